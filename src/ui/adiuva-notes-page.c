/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-notes-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>
#include <string.h>

#include "adiuva-accessible.h"
#include "adiuva-markdown-view.h"
#include "adiuva-notes-page-private.h"
#include "adiuva-record-actions.h"
#include "adiuva-status-page.h"

/* Typing pauses this long before a note is saved. */
#define AUTOSAVE_DELAY_MS 800
/* The list shows at most this much of a note's first line: more is ellipsized anyway. */
#define PREVIEW_CHARS 100
/* A list view keeps up to 200 rows however few show, each made, bound and measured: they come
 * FIRST_ROWS (a window's height) in the first frame of a new list, then GROW_ROWS a frame,
 * rather than all 200 in one frame. Past LIST_VIEW_ROWS the list view makes no more rows. */
#define FIRST_ROWS 16
#define GROW_ROWS 10
#define LIST_VIEW_ROWS 202

/* Notes: the list (pinned first, searchable) beside an editor with Markdown highlighting that
 * saves by itself shortly after typing stops, when another note is opened, and when the page
 * goes; or, instead of the editor, the note as it reads, where [[Title]] opens another note. */
struct _AdiuvaNotesPage
{
  GtkWidget parent_instance;

  AdiuvaStore        *store;
  AdiuvaNote         *note;
  GListStore         *listed; /* the notes listed, in order */
  GtkSliceListModel  *shown;  /* of those, the ones the list view has rows for so far */
  GtkSingleSelection *selection;
  GCancellable       *listing; /* the list being read, if any */
  guint               grow_tick;
  guint               autosave_source;
  guint               reload_source;
  gboolean            loading;
  gboolean            dirty;
  gboolean            preview;
  GtkTextTag         *wiki_link_tag;
  GRegex             *wiki_link_regex;

  AdwLeaflet         *leaflet;
  GtkWidget          *list_pane;
  GtkSearchEntry     *search_entry;
  GtkStack           *list_stack;
  GtkListView        *notes_list;
  AdiuvaStatusPage   *empty_page;
  GtkStack           *editor_stack;
  GtkEntry           *title_entry;
  GtkStack           *body_stack;
  GtkScrolledWindow  *body_scroller;
  GtkSourceView      *body_view; /* made when a note is first opened, see ensure_body_view */
  AdiuvaMarkdownView *preview_view;
  GtkLabel           *status_label;
};

G_DEFINE_FINAL_TYPE (AdiuvaNotesPage, adiuva_notes_page, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_STORE,
  PROP_PINNED,
  PROP_PREVIEW,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void       reload (AdiuvaNotesPage *self);
static GtkWidget *ensure_body_view (AdiuvaNotesPage *self);

static GtkTextBuffer *
body_buffer (AdiuvaNotesPage *self)
{
  return gtk_text_view_get_buffer (GTK_TEXT_VIEW (ensure_body_view (self)));
}

static char *
dup_body (AdiuvaNotesPage *self)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (body_buffer (self), &start, &end);

  return gtk_text_buffer_get_text (body_buffer (self), &start, &end, FALSE);
}

/* Saving */

static void
save (AdiuvaNotesPage *self)
{
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  g_autoptr (GError) error = NULL;

  g_clear_handle_id (&self->autosave_source, g_source_remove);
  if (self->note == NULL || !self->dirty)
    return;

  title = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->title_entry))));
  body = dup_body (self);
  adiuva_note_set_title (self->note, *title != '\0' ? title : _ ("Untitled"));
  adiuva_note_set_body (self->note, body);

  if (!adiuva_store_update (self->store, ADIUVA_RECORD (self->note), &error))
    {
      /* The text stays in the editor; the next change tries again. */
      gtk_label_set_label (self->status_label, error->message);
      return;
    }

  self->dirty = FALSE;
  gtk_label_set_label (self->status_label, _ ("Saved"));
}

static gboolean
autosave_cb (gpointer user_data)
{
  AdiuvaNotesPage *self = user_data;

  self->autosave_source = 0;
  save (self);

  return G_SOURCE_REMOVE;
}

static void
edited_cb (AdiuvaNotesPage *self)
{
  if (self->loading || self->note == NULL)
    return;

  self->dirty = TRUE;
  gtk_label_set_label (self->status_label, _ ("Not saved yet"));
  g_clear_handle_id (&self->autosave_source, g_source_remove);
  self->autosave_source = g_timeout_add (AUTOSAVE_DELAY_MS, autosave_cb, self);
}

/* The preview */

static void
update_preview (AdiuvaNotesPage *self)
{
  g_autofree char *body = NULL;

  if (!self->preview)
    return;

  body = dup_body (self);
  adiuva_markdown_view_set_markdown (self->preview_view, body);
}

static void
set_preview (AdiuvaNotesPage *self,
             gboolean         preview)
{
  gboolean had_focus;

  preview = !!preview;
  if (self->preview == preview)
    return;

  had_focus = (self->body_view != NULL && gtk_widget_has_focus (GTK_WIDGET (self->body_view))) ||
              gtk_widget_has_focus (GTK_WIDGET (self->preview_view));
  self->preview = preview;
  update_preview (self);
  gtk_stack_set_visible_child_name (self->body_stack, preview ? "preview" : "edit");
  if (had_focus)
    gtk_widget_grab_focus (preview ? GTK_WIDGET (self->preview_view) : ensure_body_view (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PREVIEW]);
}

/* [[Title]] in the editor looks like the link it is in the preview. */
static void
highlight_wiki_links (AdiuvaNotesPage *self)
{
  GtkTextBuffer *buffer = body_buffer (self);
  g_autoptr (GMatchInfo) match = NULL;
  g_autofree char *text = NULL;
  GtkTextIter      start, end;
  const char      *counted;
  int              offset = 0;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_remove_tag (buffer, self->wiki_link_tag, &start, &end);
  text = gtk_text_buffer_get_slice (buffer, &start, &end, TRUE);
  counted = text;
  g_regex_match (self->wiki_link_regex, text, 0, &match);
  while (g_match_info_matches (match))
    {
      int         match_start, match_end;
      GtkTextIter link_start, link_end;

      g_match_info_fetch_pos (match, 0, &match_start, &match_end);
      /* Counted on from the previous match: buffer offsets are in characters. */
      offset += g_utf8_pointer_to_offset (counted, text + match_start);
      counted = text + match_start;
      gtk_text_buffer_get_iter_at_offset (buffer, &link_start, offset);
      gtk_text_buffer_get_iter_at_offset (
          buffer, &link_end, offset + g_utf8_pointer_to_offset (counted, text + match_end));
      gtk_text_buffer_apply_tag (buffer, self->wiki_link_tag, &link_start, &link_end);
      g_match_info_next (match, NULL);
    }
}

/* Opening */

/* The editor follows the light or dark style like the rest of the window, from the first note
 * opened (see open_note). */
static void
update_style_scheme (AdiuvaNotesPage *self)
{
  gboolean              dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  GtkSourceStyleScheme *scheme;
  GtkSourceStyle       *link_style;

  if (self->body_view == NULL ||
      gtk_source_buffer_get_language (GTK_SOURCE_BUFFER (body_buffer (self))) == NULL)
    return;

  scheme = gtk_source_style_scheme_manager_get_scheme (
      gtk_source_style_scheme_manager_get_default (), dark ? "Adwaita-dark" : "Adwaita");
  gtk_source_buffer_set_style_scheme (GTK_SOURCE_BUFFER (body_buffer (self)), scheme);
  /* Coloured as the scheme colours link addresses. */
  link_style = scheme != NULL ? gtk_source_style_scheme_get_style (scheme, "def:link-destination")
                              : NULL;
  if (link_style != NULL)
    gtk_source_style_apply (link_style, self->wiki_link_tag);
}

static void
open_note (AdiuvaNotesPage *self,
           AdiuvaNote      *note)
{
  const char *body;

  save (self);
  g_set_object (&self->note, note);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PINNED]);
  if (note == NULL)
    {
      gtk_stack_set_visible_child_name (self->editor_stack, "none");
      return;
    }

  /* Markdown highlighting and its colours are set up with the first note opened: loading the
   * language took 80 ms of the page's first showing, the style scheme 5 ms, and that showing
   * only lists the notes. */
  if (gtk_source_buffer_get_language (GTK_SOURCE_BUFFER (body_buffer (self))) == NULL)
    {
      gtk_source_buffer_set_language (
          GTK_SOURCE_BUFFER (body_buffer (self)),
          gtk_source_language_manager_get_language (gtk_source_language_manager_get_default (),
                                                    "markdown"));
      update_style_scheme (self);
    }

  self->loading = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->title_entry), adiuva_note_get_title (note));
  body = adiuva_note_get_body (note);
  gtk_text_buffer_set_text (body_buffer (self), body != NULL ? body : "", -1);
  gtk_label_set_label (self->status_label, "");
  self->loading = FALSE;
  self->dirty = FALSE;
  update_preview (self);

  gtk_stack_set_visible_child_name (self->editor_stack, "editor");
  adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->editor_stack));
}

/**
 * adiuva_notes_page_show_note:
 * @note_id: a note
 *
 * Opens the note in the editor (quick find's way in).
 */
void
adiuva_notes_page_show_note (AdiuvaNotesPage *self,
                             gint64           note_id)
{
  g_autoptr (AdiuvaNote) note = NULL;

  g_return_if_fail (ADIUVA_IS_NOTES_PAGE (self));

  /* Saved first: it may be the open note, read back from the store. */
  save (self);
  note = adiuva_store_get (self->store, ADIUVA_TYPE_NOTE, note_id, NULL);
  if (note != NULL)
    open_note (self, note);
}

static void
row_activated_cb (AdiuvaNotesPage *self,
                  guint            position)
{
  g_autoptr (AdiuvaNote) note = g_list_model_get_item (G_LIST_MODEL (self->listed), position);

  if (note != NULL)
    adiuva_notes_page_show_note (self, adiuva_record_get_id (ADIUVA_RECORD (note)));
}

static void
back_clicked_cb (AdiuvaNotesPage *self)
{
  save (self);
  adw_leaflet_set_visible_child (self->leaflet, self->list_pane);
}

/* The list */

/* Every word of the search is in the title or the text, in any order and case. */
static gboolean
matches (AdiuvaNote        *note,
         const char *const *folded_words)
{
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;

  if (folded_words[0] == NULL)
    return TRUE;

  title = g_utf8_casefold (adiuva_note_get_title (note), -1);
  body = g_utf8_casefold (adiuva_note_get_body (note) != NULL ? adiuva_note_get_body (note) : "",
                          -1);
  for (guint i = 0; folded_words[i] != NULL; i++)
    if (strstr (title, folded_words[i]) == NULL && strstr (body, folded_words[i]) == NULL)
      return FALSE;

  return TRUE;
}

/* Rows are made for the notes in view only and bound to others as the list scrolls: a
 * workspace with thousands of notes shows its list as fast as one with a few. */
static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *preview = gtk_label_new (NULL);
  GtkWidget *pin = gtk_image_new_from_icon_name ("view-pin-symbolic");

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (texts), title);
  gtk_label_set_xalign (GTK_LABEL (preview), 0);
  gtk_label_set_ellipsize (GTK_LABEL (preview), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (preview, "dim-label");
  gtk_widget_add_css_class (preview, "caption");
  gtk_box_append (GTK_BOX (texts), preview);
  gtk_widget_set_hexpand (texts, TRUE);
  gtk_box_append (GTK_BOX (box), texts);
  gtk_accessible_update_property (GTK_ACCESSIBLE (pin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Pinned"), -1);
  gtk_box_append (GTK_BOX (box), pin);

  g_object_set_data (G_OBJECT (item), "title", title);
  g_object_set_data (G_OBJECT (item), "preview", preview);
  g_object_set_data (G_OBJECT (item), "pin", pin);
  gtk_list_item_set_child (item, box);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item)
{
  AdiuvaNote *note = gtk_list_item_get_item (item);
  GtkWidget  *preview = g_object_get_data (G_OBJECT (item), "preview");
  const char *first_line = adiuva_note_get_body (note);

  gtk_label_set_label (g_object_get_data (G_OBJECT (item), "title"),
                       adiuva_note_get_title (note));
  gtk_label_set_label (GTK_LABEL (preview), first_line != NULL ? first_line : "");
  gtk_widget_set_visible (preview, first_line != NULL && *first_line != '\0');
  gtk_widget_set_visible (g_object_get_data (G_OBJECT (item), "pin"),
                          adiuva_note_get_pinned (note));
}

/* What a row shows of @note: its title, whether it is pinned, and the start of its first line
 * as its body, as adiuva_store_list_note_previews() gives it. The list keeps only that (the
 * store has the rest, read again when the note is opened): 5,000 whole notes would stay in
 * memory for a list that shows a dozen. A label lays out all of its text, even what it
 * ellipsizes, hence the cut. */
static AdiuvaNote *
new_list_entry (AdiuvaNote *note)
{
  const char      *body = adiuva_note_get_body (note);
  const char      *end = body;
  g_autofree char *first_line = NULL;

  for (guint i = 0; end != NULL && *end != '\0' && *end != '\n' && i < PREVIEW_CHARS; i++)
    end = g_utf8_next_char (end);
  if (body != NULL)
    first_line = g_strndup (body, end - body);

  return g_object_new (ADIUVA_TYPE_NOTE, "id", adiuva_record_get_id (ADIUVA_RECORD (note)),
                       "title", adiuva_note_get_title (note), "pinned",
                       adiuva_note_get_pinned (note), "body", first_line, NULL);
}

typedef struct
{
  GPtrArray *entries; /* AdiuvaNote, as new_list_entry() makes them */
  guint      n_notes; /* in the workspace, matching or not */
} Listing;

static void
listing_free (Listing *listing)
{
  g_ptr_array_unref (listing->entries);
  g_free (listing);
}

/* On a worker thread: the list for the search words @data (case-folded; none lists every
 * note). Only a search reads whole notes, to look for its words in their text. */
static gpointer
read_listing (AdiuvaStore  *connection,
              gpointer      data,
              GCancellable *cancellable,
              GError      **error)
{
  const char *const *words = data;
  Listing           *listing;
  g_autoptr (GListModel) notes = NULL;

  if (words[0] == NULL)
    notes = adiuva_store_list_note_previews (connection, -1, PREVIEW_CHARS, error);
  else
    notes = adiuva_store_list_notes (connection, -1, error);
  if (notes == NULL)
    return NULL;

  listing = g_new0 (Listing, 1);
  listing->entries = g_ptr_array_new_with_free_func (g_object_unref);
  listing->n_notes = g_list_model_get_n_items (notes);
  for (guint i = 0; i < listing->n_notes; i++)
    {
      g_autoptr (AdiuvaNote) note = g_list_model_get_item (notes, i);

      if (words[0] == NULL)
        g_ptr_array_add (listing->entries, g_steal_pointer (&note));
      else if (matches (note, words))
        g_ptr_array_add (listing->entries, new_list_entry (note));
    }

  return listing;
}

static gboolean
same_entry (AdiuvaNote *a,
            AdiuvaNote *b)
{
  return adiuva_record_get_id (ADIUVA_RECORD (a)) == adiuva_record_get_id (ADIUVA_RECORD (b)) &&
         adiuva_note_get_pinned (a) == adiuva_note_get_pinned (b) &&
         g_strcmp0 (adiuva_note_get_title (a), adiuva_note_get_title (b)) == 0 &&
         g_strcmp0 (adiuva_note_get_body (a), adiuva_note_get_body (b)) == 0;
}

/* Once a frame, from the frame after a new list: more rows, until the list view has all it
 * keeps, then every note. */
static gboolean
grow_tick_cb (GtkWidget     *widget,
              GdkFrameClock *frame_clock,
              gpointer       user_data)
{
  AdiuvaNotesPage *self = ADIUVA_NOTES_PAGE (widget);
  guint            size = gtk_slice_list_model_get_size (self->shown);

  if (size + GROW_ROWS < LIST_VIEW_ROWS)
    {
      gtk_slice_list_model_set_size (self->shown, size + GROW_ROWS);
      return G_SOURCE_CONTINUE;
    }

  gtk_slice_list_model_set_size (self->shown, G_MAXUINT);
  self->grow_tick = 0;
  return G_SOURCE_REMOVE;
}

static void
stop_growing (AdiuvaNotesPage *self)
{
  if (self->grow_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->grow_tick);
  self->grow_tick = 0;
}

/* Replaces only what changed, so that saving a note rebinds the rows between where it was and
 * the top, not every row. */
static void
update_listed (AdiuvaNotesPage *self,
               GPtrArray       *entries)
{
  GListModel *listed = G_LIST_MODEL (self->listed);
  guint       n_old = g_list_model_get_n_items (listed);
  guint       start = 0, end_old = n_old, end_new = entries->len;

  for (; start < n_old && start < entries->len; start++)
    {
      g_autoptr (AdiuvaNote) old = g_list_model_get_item (listed, start);

      if (!same_entry (old, g_ptr_array_index (entries, start)))
        break;
    }
  for (; end_old > start && end_new > start; end_old--, end_new--)
    {
      g_autoptr (AdiuvaNote) old = g_list_model_get_item (listed, end_old - 1);

      if (!same_entry (old, g_ptr_array_index (entries, end_new - 1)))
        break;
    }

  /* Rows before what changed stay as they are; for the rest, a few a frame again. */
  if (end_new - start > FIRST_ROWS && start < LIST_VIEW_ROWS)
    {
      stop_growing (self);
      gtk_slice_list_model_set_size (
          self->shown, MIN (gtk_slice_list_model_get_size (self->shown), start + FIRST_ROWS));
      self->grow_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), grow_tick_cb, NULL,
                                                      NULL);
    }
  g_list_store_splice (self->listed, start, end_old - start, entries->pdata + start,
                       end_new - start);
}

static void
listing_read_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  AdiuvaNotesPage *self;
  Listing         *listing;
  guint            selected = GTK_INVALID_LIST_POSITION;
  g_autoptr (GError) error = NULL;

  listing = adiuva_store_read_finish (ADIUVA_STORE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = user_data;
  g_clear_object (&self->listing);
  if (listing == NULL)
    {
      g_warning ("Could not list the notes: %s", error->message);
      return;
    }

  update_listed (self, listing->entries);
  for (guint i = 0; self->note != NULL && i < listing->entries->len; i++)
    if (adiuva_record_get_id (g_ptr_array_index (listing->entries, i)) ==
        adiuva_record_get_id (ADIUVA_RECORD (self->note)))
      selected = i;
  gtk_single_selection_set_selected (self->selection, selected);

  if (listing->entries->len == 0)
    {
      adiuva_status_page_set_title (self->empty_page, listing->n_notes == 0
                                                          ? _ ("No Notes Yet")
                                                          : _ ("No Matching Notes"));
      adiuva_status_page_set_description (self->empty_page,
                                          listing->n_notes == 0 ? _ ("Start one with the button above.")
                                                                : _ ("No note has these words."));
    }
  gtk_stack_set_visible_child_name (self->list_stack, listing->entries->len > 0 ? "list" : "empty");
  listing_free (listing);
}

/* Reads the list on a worker thread: with thousands of notes, reading them held the page's
 * first frame. A newer read replaces one still going. */
static void
reload (AdiuvaNotesPage *self)
{
  g_autofree char *query = NULL;

  if (self->listing != NULL)
    g_cancellable_cancel (self->listing);
  g_clear_object (&self->listing);
  self->listing = g_cancellable_new ();

  query = g_utf8_casefold (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)), -1);
  adiuva_store_read_async (self->store, read_listing, g_strsplit_set (query, " \t\n", -1),
                           (GDestroyNotify) g_strfreev, (GDestroyNotify) listing_free,
                           self->listing, listing_read_cb, self);
}

static gboolean
reload_idle_cb (gpointer user_data)
{
  AdiuvaNotesPage *self = user_data;

  self->reload_source = 0;
  reload (self);

  return G_SOURCE_REMOVE;
}

static void
store_changed_cb (AdiuvaNotesPage *self,
                  AdiuvaEntity     entity,
                  gint64           id,
                  AdiuvaChange     change,
                  AdiuvaStore     *store)
{
  if (entity != ADIUVA_ENTITY_NOTE)
    return;

  /* Deleted elsewhere: nothing is left to save it to. */
  if (change == ADIUVA_CHANGE_REMOVED && self->note != NULL &&
      adiuva_record_get_id (ADIUVA_RECORD (self->note)) == id)
    {
      self->dirty = FALSE;
      open_note (self, NULL);
    }
  if (self->reload_source == 0)
    self->reload_source = g_idle_add_full (G_PRIORITY_DEFAULT, reload_idle_cb, self, NULL);
}

static void
search_changed_cb (AdiuvaNotesPage *self)
{
  reload (self);
}

/* Adds an empty note and opens it in the editor; %FALSE (said in a toast) when it fails. */
static gboolean
add_note (AdiuvaNotesPage *self,
          const char      *title)
{
  g_autoptr (AdiuvaNote) note = adiuva_note_new ();
  g_autoptr (GError) error = NULL;

  adiuva_note_set_title (note, title);
  adiuva_note_set_body (note, "");
  if (!adiuva_store_add (self->store, ADIUVA_RECORD (note), &error))
    {
      adiuva_toast_show_error (GTK_WIDGET (self), error);
      return FALSE;
    }

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  open_note (self, note);
  set_preview (self, FALSE);

  return TRUE;
}

/* Links between notes */

/* Titles are matched with Unicode case folding, which SQLite's NOCASE (ASCII only) lacks. */
static AdiuvaNote *
find_note_by_title (AdiuvaNotesPage *self,
                    const char      *title,
                    GError         **error)
{
  g_autoptr (GListModel) notes = adiuva_store_list_note_previews (self->store, -1, 0, error);
  g_autofree char *folded = g_utf8_casefold (title, -1);

  if (notes == NULL)
    return NULL;

  /* Titles only: the one found is read whole. */
  for (guint i = 0; i < g_list_model_get_n_items (notes); i++)
    {
      g_autoptr (AdiuvaNote) note = g_list_model_get_item (notes, i);
      g_autofree char *note_title = g_utf8_casefold (adiuva_note_get_title (note), -1);

      if (g_strcmp0 (g_strstrip (note_title), folded) == 0)
        return adiuva_store_get (self->store, ADIUVA_TYPE_NOTE,
                                 adiuva_record_get_id (ADIUVA_RECORD (note)), error);
    }

  return NULL;
}

static void
create_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    AdiuvaNotesPage  *self)
{
  if (g_strcmp0 (response, "create") == 0 &&
      add_note (self, g_object_get_data (G_OBJECT (dialog), "title")))
    gtk_widget_grab_focus (ensure_body_view (self));
}

static void
offer_to_create (AdiuvaNotesPage *self,
                 const char      *title)
{
  g_autofree char *heading = g_strdup_printf (_ ("Create “%s”?"), title);
  GtkWidget       *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), heading,
                                   _ ("No note has this title yet."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"), "create",
                                    _ ("C_reate Note"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "create",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "create");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "title", g_strdup (title), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (create_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
wiki_link_cb (AdiuvaNotesPage *self,
              const char      *title)
{
  g_autoptr (AdiuvaNote) note = NULL;
  g_autoptr (GError) error = NULL;

  /* Saved first: the link may lead to this very note, read back from the store. */
  save (self);
  note = find_note_by_title (self, title, &error);
  if (note != NULL)
    open_note (self, note);
  else if (error != NULL)
    adiuva_toast_show_error (GTK_WIDGET (self), error);
  else
    offer_to_create (self, title);
}

/* Actions */

static void
new_note_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  AdiuvaNotesPage *self = ADIUVA_NOTES_PAGE (widget);

  if (!add_note (self, _ ("Untitled")))
    return;

  gtk_editable_select_region (GTK_EDITABLE (self->title_entry), 0, -1);
  gtk_widget_grab_focus (GTK_WIDGET (self->title_entry));
}

static void
delete_note_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  AdiuvaNotesPage *self = ADIUVA_NOTES_PAGE (widget);
  g_autoptr (GError) error = NULL;

  if (self->note == NULL)
    return;

  save (self);
  if (!adiuva_record_delete_with_undo (widget, self->store, ADIUVA_RECORD (self->note),
                                       adiuva_note_get_title (self->note), &error))
    adiuva_toast_show_error (widget, error);
}

static void
set_pinned (AdiuvaNotesPage *self,
            gboolean         pinned)
{
  if (self->note == NULL || adiuva_note_get_pinned (self->note) == pinned)
    return;

  adiuva_note_set_pinned (self->note, pinned);
  self->dirty = TRUE;
  save (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PINNED]);
}

/* GObject */

static void
adiuva_notes_page_dispose (GObject *object)
{
  AdiuvaNotesPage *self = ADIUVA_NOTES_PAGE (object);

  save (self);
  g_clear_handle_id (&self->reload_source, g_source_remove);
  stop_growing (self);
  if (self->listing != NULL)
    g_cancellable_cancel (self->listing);
  g_clear_object (&self->listing);
  gtk_widget_dispose_template (GTK_WIDGET (self), ADIUVA_TYPE_NOTES_PAGE);
  g_clear_object (&self->selection);
  g_clear_object (&self->shown);
  g_clear_object (&self->listed);
  g_clear_pointer (&self->wiki_link_regex, g_regex_unref);
  g_clear_object (&self->note);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (adiuva_notes_page_parent_class)->dispose (object);
}

static void
adiuva_notes_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  AdiuvaNotesPage *self = ADIUVA_NOTES_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_PINNED:
      g_value_set_boolean (value, self->note != NULL && adiuva_note_get_pinned (self->note));
      break;
    case PROP_PREVIEW:
      g_value_set_boolean (value, self->preview);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
adiuva_notes_page_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  AdiuvaNotesPage *self = ADIUVA_NOTES_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      g_signal_connect_object (self->store, "changed", G_CALLBACK (store_changed_cb), self,
                               G_CONNECT_SWAPPED);
      reload (self);
      break;
    case PROP_PINNED:
      set_pinned (self, g_value_get_boolean (value));
      break;
    case PROP_PREVIEW:
      set_preview (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
adiuva_notes_page_class_init (AdiuvaNotesPageClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = adiuva_notes_page_dispose;
  object_class->get_property = adiuva_notes_page_get_property;
  object_class->set_property = adiuva_notes_page_set_property;

  properties[PROP_STORE] =
      g_param_spec_object ("store", NULL, NULL, ADIUVA_TYPE_STORE,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * AdiuvaNotesPage:pinned:
   *
   * Whether the open note is pinned to the top of the list.
   */
  properties[PROP_PINNED] =
      g_param_spec_boolean ("pinned", NULL, NULL, FALSE,
                            G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * AdiuvaNotesPage:preview:
   *
   * Whether the open note is shown as it reads rather than in the editor.
   */
  properties[PROP_PREVIEW] =
      g_param_spec_boolean ("preview", NULL, NULL, FALSE,
                            G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (ADIUVA_TYPE_MARKDOWN_VIEW);
  g_type_ensure (ADIUVA_TYPE_STATUS_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/adiuva/Adiuva/adiuva-notes-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AdiuvaNotesPage, leaflet);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaNotesPage, list_pane);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaNotesPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaNotesPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaNotesPage, notes_list);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaNotesPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaNotesPage, editor_stack);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaNotesPage, title_entry);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaNotesPage, body_stack);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaNotesPage, body_scroller);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaNotesPage, preview_view);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaNotesPage, status_label);
  gtk_widget_class_bind_template_callback (widget_class, edited_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, wiki_link_cb);

  gtk_widget_class_install_action (widget_class, "notes.new", NULL, new_note_action);
  gtk_widget_class_install_action (widget_class, "notes.delete", NULL, delete_note_action);
  gtk_widget_class_install_property_action (widget_class, "notes.pinned", "pinned");
  gtk_widget_class_install_property_action (widget_class, "notes.preview", "preview");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n,
                                       GDK_CONTROL_MASK | GDK_SHIFT_MASK, "notes.new", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p,
                                       GDK_CONTROL_MASK | GDK_SHIFT_MASK, "notes.preview", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

/* The editor is made when first needed: a GtkSourceView loads its style scheme and snippets as
 * it is made, which took 9 ms of the first frame of the page, which only lists the notes. */
static GtkWidget *
ensure_body_view (AdiuvaNotesPage *self)
{
  GtkTextBuffer *buffer;

  if (self->body_view != NULL)
    return GTK_WIDGET (self->body_view);

  self->body_view = GTK_SOURCE_VIEW (gtk_source_view_new ());
  g_object_set (self->body_view, "wrap-mode", GTK_WRAP_WORD_CHAR, "top-margin", 12,
                "bottom-margin", 12, "left-margin", 16, "right-margin", 16, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->body_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _ ("Note, in Markdown"), -1);
  gtk_scrolled_window_set_child (self->body_scroller, GTK_WIDGET (self->body_view));

  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->body_view));
  g_signal_connect_object (buffer, "changed", G_CALLBACK (edited_cb), self, G_CONNECT_SWAPPED);
  self->wiki_link_tag = gtk_text_buffer_create_tag (buffer, "wiki-link", "underline",
                                                    PANGO_UNDERLINE_SINGLE, NULL);
  g_signal_connect_object (buffer, "changed", G_CALLBACK (highlight_wiki_links), self,
                           G_CONNECT_SWAPPED);

  return GTK_WIDGET (self->body_view);
}

static void
adiuva_notes_page_init (AdiuvaNotesPage *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  adiuva_accessible_clean_mnemonic_names (GTK_WIDGET (self));

  self->listed = g_list_store_new (ADIUVA_TYPE_NOTE);
  self->shown = gtk_slice_list_model_new (g_object_ref (G_LIST_MODEL (self->listed)), 0,
                                          FIRST_ROWS);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->shown)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), NULL);
  gtk_list_view_set_factory (self->notes_list, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->notes_list, GTK_SELECTION_MODEL (self->selection));

  self->wiki_link_regex = g_regex_new ("\\[\\[[^][\\n]*[^][\\s][^][\\n]*\\]\\]", G_REGEX_OPTIMIZE, 0, NULL);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (update_style_scheme), self, G_CONNECT_SWAPPED);
}

void
_adiuva_notes_page_edit (AdiuvaNotesPage *self,
                         const char      *title,
                         const char      *body)
{
  gtk_editable_set_text (GTK_EDITABLE (self->title_entry), title);
  gtk_text_buffer_set_text (body_buffer (self), body, -1);
}

void
_adiuva_notes_page_save_now (AdiuvaNotesPage *self)
{
  save (self);
}

void
_adiuva_notes_page_search (AdiuvaNotesPage *self,
                           const char      *text)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text);
  reload (self);
  while (self->listing != NULL)
    g_main_context_iteration (NULL, TRUE);
}

guint
_adiuva_notes_page_get_n_listed (AdiuvaNotesPage *self)
{
  return g_list_model_get_n_items (G_LIST_MODEL (self->listed));
}

const char *
_adiuva_notes_page_get_listed_title (AdiuvaNotesPage *self,
                                     guint            index)
{
  /* The store holds the note: the title lives as long as the list does not change. */
  g_autoptr (AdiuvaNote) note = g_list_model_get_item (G_LIST_MODEL (self->listed), index);

  return adiuva_note_get_title (note);
}

AdiuvaNote *
_adiuva_notes_page_get_note (AdiuvaNotesPage *self)
{
  return self->note;
}

GtkTextBuffer *
_adiuva_notes_page_get_body_buffer (AdiuvaNotesPage *self)
{
  return body_buffer (self);
}

AdiuvaMarkdownView *
_adiuva_notes_page_get_preview_view (AdiuvaNotesPage *self)
{
  return self->preview_view;
}

const char *
_adiuva_notes_page_get_status (AdiuvaNotesPage *self)
{
  return gtk_label_get_label (self->status_label);
}
