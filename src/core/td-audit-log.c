/* td-audit-log.c: appends agent delegations to the plan's audit log (settings.audit_log), one
 * atomic write per line */
#define G_LOG_DOMAIN "td-audit-log"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "td-error.h"
#include "td-audit-log.h"

#define REDACTED "[REDACTED]"

struct _TdAuditLog
{
  GObject    parent_instance;

  char      *project_dir;
  char      *file_name;
  char      *header;
  char      *path;

  GMutex     secrets_lock;   /* append may run on a worker thread while secrets are added */
  GPtrArray *secrets;        /* raw values */
  GPtrArray *spellings;      /* raw values and their escaped forms, as they could appear in a line */
};

G_DEFINE_FINAL_TYPE (TdAuditLog, td_audit_log, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PROJECT_DIR,
  PROP_FILE_NAME,
  PROP_HEADER,
  PROP_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
td_audit_entry_free (TdAuditEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->timestamp);
  g_free (entry->agent);
  g_free (entry->prompt);
  g_free (entry->result);
  g_free (entry);
}

static void
td_audit_log_finalize (GObject *object)
{
  TdAuditLog *self = TD_AUDIT_LOG (object);

  g_free (self->project_dir);
  g_free (self->file_name);
  g_free (self->header);
  g_free (self->path);
  g_ptr_array_unref (self->secrets);
  g_ptr_array_unref (self->spellings);
  g_mutex_clear (&self->secrets_lock);

  G_OBJECT_CLASS (td_audit_log_parent_class)->finalize (object);
}

static void
td_audit_log_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  TdAuditLog *self = TD_AUDIT_LOG (object);

  switch (prop_id)
    {
    case PROP_PROJECT_DIR:
      g_value_set_string (value, self->project_dir);
      break;
    case PROP_FILE_NAME:
      g_value_set_string (value, self->file_name);
      break;
    case PROP_HEADER:
      g_value_set_string (value, self->header);
      break;
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
td_audit_log_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  TdAuditLog *self = TD_AUDIT_LOG (object);

  switch (prop_id)
    {
    case PROP_PROJECT_DIR:
      /* Construct-only, like the file name: the path is derived once (constructed) and never changes. */
      self->project_dir = g_value_dup_string (value);
      break;
    case PROP_FILE_NAME:
      self->file_name = g_value_dup_string (value);
      break;
    case PROP_HEADER:
      self->header = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
td_audit_log_constructed (GObject *object)
{
  TdAuditLog *self = TD_AUDIT_LOG (object);

  G_OBJECT_CLASS (td_audit_log_parent_class)->constructed (object);
  self->path = g_build_filename (self->project_dir ? self->project_dir : ".",
                                 self->file_name ? self->file_name : "audit.log", NULL);
}

static void
td_audit_log_class_init (TdAuditLogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = td_audit_log_constructed;
  object_class->finalize = td_audit_log_finalize;
  object_class->get_property = td_audit_log_get_property;
  object_class->set_property = td_audit_log_set_property;

  properties[PROP_PROJECT_DIR] =
    g_param_spec_string ("project-dir", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FILE_NAME] =
    g_param_spec_string ("file-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HEADER] =
    g_param_spec_string ("header", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
td_audit_log_init (TdAuditLog *self)
{
  g_mutex_init (&self->secrets_lock);
  self->secrets = g_ptr_array_new_with_free_func (g_free);
  self->spellings = g_ptr_array_new_with_free_func (g_free);
}

TdAuditLog *
td_audit_log_new (const char *project_dir,
                  const char *file_name,
                  const char *header)
{
  g_return_val_if_fail (project_dir != NULL, NULL);
  g_return_val_if_fail (file_name != NULL && file_name[0] != '\0', NULL);
  g_return_val_if_fail (header != NULL, NULL);

  return g_object_new (TD_TYPE_AUDIT_LOG, "project-dir", project_dir, "file-name", file_name,
                       "header", header, NULL);
}

const char *
td_audit_log_get_file_name (TdAuditLog *self)
{
  g_return_val_if_fail (TD_IS_AUDIT_LOG (self), NULL);

  return self->file_name;
}

const char *
td_audit_log_get_path (TdAuditLog *self)
{
  g_return_val_if_fail (TD_IS_AUDIT_LOG (self), NULL);

  return self->path;
}

static gboolean
set_errno_error (GError     **error,
                 int          saved_errno,
                 const char  *doing,
                 const char  *path)
{
  int code = TD_ERROR_FAILED;

  if (saved_errno == ENOENT || saved_errno == ENOTDIR)
    code = TD_ERROR_NOT_FOUND;
  else if (saved_errno == EACCES || saved_errno == EPERM || saved_errno == EROFS)
    code = TD_ERROR_PERMISSION;

  g_set_error (error, TD_ERROR, code, "Could not %s the audit log %s: %s",
               doing, path, g_strerror (saved_errno));
  return FALSE;
}

/* The whole buffer in one write(): a short write would let another writer's line land in the
 * middle of ours, so it is reported rather than continued. */
static gboolean
write_once (int          fd,
            const char  *data,
            gsize        len,
            const char  *path,
            GError     **error)
{
  gssize written;

  do
    written = write (fd, data, len);
  while (written < 0 && errno == EINTR);

  if (written < 0)
    return set_errno_error (error, errno, "write to", path);
  if ((gsize) written != len)
    {
      g_set_error (error, TD_ERROR, TD_ERROR_FAILED,
                   "Could not write to the audit log %s: only %" G_GSSIZE_FORMAT " of %" G_GSIZE_FORMAT
                   " bytes were written (is the disk full?)", path, written, len);
      return FALSE;
    }
  return TRUE;
}

/* For file systems without hard links: exclusive create, header written right away. */
static gboolean
create_exclusive (const char  *path,
                  const char  *header,
                  GError     **error)
{
  gboolean ok;
  int fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

  if (fd < 0)
    return errno == EEXIST || set_errno_error (error, errno, "create", path);
  ok = write_once (fd, header, strlen (header), path, error);
  close (fd);
  return ok;
}

gboolean
td_audit_log_ensure (TdAuditLog  *self,
                     GError     **error)
{
  g_autofree char *tmp_path = NULL;
  g_autofree char *header = NULL;
  int fd;
  int saved_errno;
  gboolean ok;

  g_return_val_if_fail (TD_IS_AUDIT_LOG (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_file_test (self->path, G_FILE_TEST_EXISTS))
    return TRUE;
  header = g_strconcat (self->header, "\n", NULL);

  /* The header is written into a private file that is then linked into place, so another writer
   * never sees the log without its header (it would append its line above the header). link()
   * fails with EEXIST if someone else won the race: their file is left alone. */
  tmp_path = g_strdup_printf ("%s.XXXXXX", self->path);
  fd = g_mkstemp_full (tmp_path, O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0)
    return set_errno_error (error, errno, "create", self->path);

  ok = write_once (fd, header, strlen (header), self->path, error);
  if (close (fd) != 0 && ok)
    ok = set_errno_error (error, errno, "write to", self->path);

  if (ok && link (tmp_path, self->path) != 0)
    {
      saved_errno = errno;
      if (saved_errno == EPERM || saved_errno == ENOTSUP || saved_errno == ENOSYS)
        ok = create_exclusive (self->path, header, error);
      else if (saved_errno != EEXIST)  /* EEXIST: another writer created it first */
        ok = set_errno_error (error, saved_errno, "create", self->path);
    }

  g_unlink (tmp_path);
  return ok;
}

char *
td_audit_log_escape (const char *text)
{
  GString *out;

  if (text == NULL)
    return g_strdup ("");

  out = g_string_sized_new (strlen (text) + 16);
  for (const char *p = text; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '\\': g_string_append (out, "\\\\"); break;
        case '"':  g_string_append (out, "\\\""); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:   g_string_append_c (out, *p);
        }
    }
  return g_string_free (out, FALSE);
}

void
td_audit_log_add_secret (TdAuditLog *self,
                         const char *value)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_if_fail (TD_IS_AUDIT_LOG (self));

  if (value == NULL || *value == '\0')
    return;

  locker = g_mutex_locker_new (&self->secrets_lock);
  if (g_ptr_array_find_with_equal_func (self->secrets, value, g_str_equal, NULL))
    return;

  g_ptr_array_add (self->secrets, g_strdup (value));
  g_ptr_array_add (self->spellings, g_strdup (value));
  g_ptr_array_add (self->spellings, td_audit_log_escape (value));
}

/* Every byte covered by any occurrence of any needle becomes part of one "[REDACTED]". Taking the
 * union of all matches (rather than replacing one secret after another) hides overlapping secrets
 * completely, so the order of replacement cannot leave part of one behind. */
static char *
redact (const char *text,
        GPtrArray  *needles)
{
  gsize len = strlen (text);
  g_autofree guint8 *hidden = g_malloc0 (len + 1);
  gboolean any = FALSE;
  GString *out;

  for (guint i = 0; i < needles->len; i++)
    {
      const char *needle = needles->pdata[i];
      gsize needle_len = strlen (needle);

      for (const char *hit = strstr (text, needle); hit != NULL; hit = strstr (hit + 1, needle))
        {
          memset (hidden + (hit - text), 1, needle_len);
          any = TRUE;
        }
    }

  if (!any)
    return g_strdup (text);

  out = g_string_sized_new (len);
  for (gsize i = 0; i < len;)
    {
      if (hidden[i])
        {
          g_string_append (out, REDACTED);
          while (i < len && hidden[i])
            i++;
        }
      else
        g_string_append_c (out, text[i++]);
    }
  return g_string_free (out, FALSE);
}

/* Secrets are removed from the raw text; the escaped text is checked again, because escaping can
 * spell a secret that the raw text did not contain (a value that looks like "a\nb"). */
static char *
escape_and_redact (TdAuditLog *self,
                   const char *text)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->secrets_lock);
  g_autofree char *raw_redacted = redact (text ? text : "", self->secrets);
  g_autofree char *escaped = td_audit_log_escape (raw_redacted);

  return redact (escaped, self->spellings);
}

static gboolean
agent_tag_is_valid (const char *agent)
{
  if (agent == NULL || *agent == '\0')
    return FALSE;
  for (const char *p = agent; *p != '\0'; p++)
    if (!g_ascii_isupper (*p) && !g_ascii_isdigit (*p) && *p != '-')
      return FALSE;
  return TRUE;
}

static int
open_for_append (const char *path)
{
  return g_open (path, O_WRONLY | O_APPEND | O_CLOEXEC, 0);
}

char *
td_audit_log_summarise (const char *text,
                        guint       max_chars)
{
  g_autofree char *first_line = NULL;
  const char *end;
  const char *cut;
  GString *summary;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (max_chars > 3, NULL);

  while (g_ascii_isspace (*text))
    text++;
  end = strchr (text, '\n');
  first_line = g_strstrip (end ? g_strndup (text, end - text) : g_strdup (text));
  if (g_utf8_strlen (first_line, -1) <= max_chars)
    return g_steal_pointer (&first_line);
  /* Room for the "...": cut at the last space that fits, or mid-word when no space does. */
  cut = g_utf8_offset_to_pointer (first_line, MIN ((glong) max_chars - 3, g_utf8_strlen (first_line, -1)));
  summary = g_string_new_len (first_line, cut - first_line);
  if (*cut != '\0' && *cut != ' ')
    {
      const char *space = strrchr (summary->str, ' ');

      if (space != NULL && space > summary->str)
        g_string_truncate (summary, space - summary->str);
    }
  while (summary->len > 0 && strchr (" .,;:", summary->str[summary->len - 1]) != NULL)
    g_string_truncate (summary, summary->len - 1);
  g_string_append (summary, "...");
  return g_string_free (summary, FALSE);
}

char *
td_audit_log_describe_prompt (const char *seed_summary,
                              const char *seed_prompt,
                              const char *asked)
{
  g_autofree char *summary = NULL;
  g_autofree char *asked_text = asked ? g_strstrip (g_strdup (asked)) : NULL;
  g_autofree char *seed_text = seed_prompt ? g_strstrip (g_strdup (seed_prompt)) : NULL;

  /* Blank space around it is not an edit. */
  if (asked_text == NULL || g_strcmp0 (asked_text, seed_text) == 0)
    return g_strdup (seed_summary);
  summary = td_audit_log_summarise (asked, 60);
  return g_strdup_printf ("%s (edited from the seed's prompt)", summary);
}

gboolean
td_audit_log_append (TdAuditLog  *self,
                     const char  *agent,
                     const char  *prompt,
                     const char  *result,
                     GError     **error)
{
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *timestamp = NULL;
  g_autofree char *safe_prompt = NULL;
  g_autofree char *safe_result = NULL;
  g_autofree char *line = NULL;
  gboolean ok;
  int fd;

  g_return_val_if_fail (TD_IS_AUDIT_LOG (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!agent_tag_is_valid (agent))
    {
      g_set_error (error, TD_ERROR, TD_ERROR_INVALID,
                   "“%s” is not an audit log agent tag: use upper-case letters, digits and dashes, "
                   "like GORDON or KUBECTL-AI", agent ? agent : "");
      return FALSE;
    }

  now = g_date_time_new_now_utc ();
  timestamp = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  safe_prompt = escape_and_redact (self, prompt);
  safe_result = escape_and_redact (self, result);
  line = g_strdup_printf ("[%s] [%s] prompt=\"%s\" result=\"%s\"\n",
                          timestamp, agent, safe_prompt, safe_result);

  fd = open_for_append (self->path);
  if (fd < 0 && errno == ENOENT)
    {
      if (!td_audit_log_ensure (self, error))
        return FALSE;
      fd = open_for_append (self->path);
    }
  if (fd < 0)
    return set_errno_error (error, errno, "open", self->path);

  ok = write_once (fd, line, strlen (line), self->path, error);
  if (close (fd) != 0 && ok)
    ok = set_errno_error (error, errno, "write to", self->path);
  return ok;
}

/* Reads a quoted, escaped field starting after its opening quote; *cursor ends after the closing
 * quote. Unknown escapes (left behind when a redaction cut through one) are kept as written. */
static char *
parse_quoted (const char **cursor)
{
  GString *out = g_string_new (NULL);
  const char *p = *cursor;

  for (; *p != '\0' && *p != '"'; p++)
    {
      if (*p != '\\' || p[1] == '\0')
        {
          g_string_append_c (out, *p);
          continue;
        }
      p++;
      switch (*p)
        {
        case 'n': g_string_append_c (out, '\n'); break;
        case 'r': g_string_append_c (out, '\r'); break;
        case 't': g_string_append_c (out, '\t'); break;
        case '\\': g_string_append_c (out, '\\'); break;
        case '"': g_string_append_c (out, '"'); break;
        default:
          g_string_append_c (out, '\\');
          g_string_append_c (out, *p);
        }
    }

  if (*p != '"')
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  *cursor = p + 1;
  return g_string_free (out, FALSE);
}

/* "[TS] " or "[AGENT] ": the text between the brackets, *cursor after the space. */
static char *
parse_bracketed (const char **cursor)
{
  const char *start = *cursor;
  const char *end;

  if (*start != '[')
    return NULL;
  end = strchr (start, ']');
  if (end == NULL || end == start + 1 || end[1] != ' ')
    return NULL;
  *cursor = end + 2;
  return g_strndup (start + 1, end - start - 1);
}

static TdAuditEntry *
parse_line (const char *line)
{
  g_autoptr(TdAuditEntry) entry = g_new0 (TdAuditEntry, 1);
  const char *p = line;

  if ((entry->timestamp = parse_bracketed (&p)) == NULL ||
      (entry->agent = parse_bracketed (&p)) == NULL ||
      !agent_tag_is_valid (entry->agent) ||
      !g_str_has_prefix (p, "prompt=\""))
    return NULL;
  p += strlen ("prompt=\"");
  if ((entry->prompt = parse_quoted (&p)) == NULL || !g_str_has_prefix (p, " result=\""))
    return NULL;
  p += strlen (" result=\"");
  if ((entry->result = parse_quoted (&p)) == NULL || *p != '\0')
    return NULL;
  return g_steal_pointer (&entry);
}

GPtrArray *
td_audit_log_read_entries (TdAuditLog  *self,
                           GError     **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  g_return_val_if_fail (TD_IS_AUDIT_LOG (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_file_get_contents (self->path, &contents, NULL, &local_error))
    {
      int code = g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT) ? TD_ERROR_NOT_FOUND
               : g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_ACCES) ? TD_ERROR_PERMISSION
               : TD_ERROR_FAILED;
      g_set_error (error, TD_ERROR, code, "Could not read the audit log: %s", local_error->message);
      return NULL;
    }

  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) td_audit_entry_free);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      TdAuditEntry *entry;

      if (lines[i][0] == '#' || lines[i][0] == '\0')
        continue;
      entry = parse_line (lines[i]);
      if (entry != NULL)
        g_ptr_array_add (entries, entry);
      else
        g_debug ("%s:%u: not an audit log entry, skipped", self->path, i + 1);
    }
  return g_steal_pointer (&entries);
}
