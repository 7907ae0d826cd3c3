/* td-source-style.h: the colours of the wizard's code views (prompts, Dockerfiles, manifests),
 * light or dark with the rest of the window */
#pragma once

#include <gtksourceview/gtksource.h>

G_BEGIN_DECLS

/* Gives @buffer the Adwaita or Adwaita-dark scheme now, and again whenever the style manager
 * switches, for as long as @buffer lives. */
void td_source_style_follow (GtkSourceBuffer *buffer);

G_END_DECLS
