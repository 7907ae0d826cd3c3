/* td-source-style.c: see td-source-style.h */
#define G_LOG_DOMAIN "td-source-style"

#include "td-source-style.h"

#include <adwaita.h>

static void
apply_scheme (AdwStyleManager *style, GParamSpec *pspec, GtkSourceBuffer *buffer)
{
  GtkSourceStyleScheme *scheme =
    gtk_source_style_scheme_manager_get_scheme (gtk_source_style_scheme_manager_get_default (),
                                                adw_style_manager_get_dark (style) ? "Adwaita-dark" : "Adwaita");

  if (scheme != NULL)
    gtk_source_buffer_set_style_scheme (buffer, scheme);
}

void
td_source_style_follow (GtkSourceBuffer *buffer)
{
  AdwStyleManager *style = adw_style_manager_get_default ();

  g_return_if_fail (GTK_SOURCE_IS_BUFFER (buffer));

  apply_scheme (style, NULL, buffer);
  /* Tied to the buffer: the connection goes when the buffer does. */
  g_signal_connect_object (style, "notify::dark", G_CALLBACK (apply_scheme), buffer, 0);
}
