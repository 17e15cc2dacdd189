/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-notes"

#include "config.h"

#include "adiuva-markdown-view-private.h"
#include "adiuva-notes-page-private.h"
#include "test-ui-util.h"

/* The Notes page on a real workspace: the preview, links between notes, autosave, pins and
 * search. */

typedef struct
{
  char            *dir;
  AdiuvaStore     *store;
  GtkWindow       *window;
  AdiuvaNotesPage *page;
} Fixture;

static gint64
add_note (AdiuvaStore *store,
          const char  *title,
          const char  *body)
{
  g_autoptr (AdiuvaNote) note = adiuva_note_new ();
  g_autoptr (GError) error = NULL;

  adiuva_note_set_title (note, title);
  adiuva_note_set_body (note, body);
  g_assert_true (adiuva_store_add (store, ADIUVA_RECORD (note), &error));
  g_assert_no_error (error);

  return adiuva_record_get_id (ADIUVA_RECORD (note));
}

static void
fixture_open_page (Fixture *fixture)
{
  GtkWidget *overlay = adw_toast_overlay_new ();

  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fixture->window, 960, 640);
  fixture->page = g_object_new (ADIUVA_TYPE_NOTES_PAGE, "store", fixture->store, NULL);
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), GTK_WIDGET (fixture->page));
  gtk_window_set_child (fixture->window, overlay);
  gtk_window_present (fixture->window);
}

static void
fixture_set_up (Fixture      *fixture,
                gconstpointer data)
{
  fixture->dir = test_ui_make_dir ();
  fixture->store = test_ui_create_store (fixture->dir);
}

/* The page goes (saving what it holds), then the workspace is closed. */
static void
fixture_close (Fixture *fixture)
{
  if (fixture->window != NULL)
    test_ui_destroy_window (fixture->window);
  fixture->window = NULL;
  fixture->page = NULL;
  g_clear_object (&fixture->store);
}

static void
fixture_reopen_store (Fixture *fixture)
{
  g_autoptr (GError) error = NULL;

  fixture_close (fixture);
  fixture->store = adiuva_store_open (fixture->dir, TEST_PASSPHRASE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->store);
}

static void
fixture_tear_down (Fixture      *fixture,
                   gconstpointer data)
{
  fixture_close (fixture);
  test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static AdiuvaNote *
get_note (Fixture *fixture,
          gint64   id)
{
  g_autoptr (GError) error = NULL;
  AdiuvaNote *note = adiuva_store_get (fixture->store, ADIUVA_TYPE_NOTE, id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (note);

  return note;
}

static const char *
open_title (Fixture *fixture)
{
  AdiuvaNote *note = _adiuva_notes_page_get_note (fixture->page);

  return note != NULL ? adiuva_note_get_title (note) : NULL;
}

static void
show_preview (Fixture *fixture)
{
  gboolean preview = FALSE;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "notes.preview", NULL));
  g_object_get (fixture->page, "preview", &preview, NULL);
  g_assert_true (preview);
}

/* Clicks (as the click handler does) the first place the preview shows @shown. */
static void
activate_preview_link (Fixture    *fixture,
                       const char *shown)
{
  AdiuvaMarkdownView *view = _adiuva_notes_page_get_preview_view (fixture->page);
  GtkTextIter         buffer_start, start, end;

  gtk_text_buffer_get_start_iter (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), &buffer_start);
  g_assert_true (gtk_text_iter_forward_search (&buffer_start, shown, GTK_TEXT_SEARCH_TEXT_ONLY,
                                               &start, &end, NULL));
  g_assert_true (_adiuva_markdown_view_activate_link_at (view, &start));
}

static char *
dup_preview_text (Fixture *fixture)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (
      GTK_TEXT_VIEW (_adiuva_notes_page_get_preview_view (fixture->page)));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);

  return gtk_text_buffer_get_text (buffer, &start, &end, TRUE);
}

static char *
dup_body_text (Fixture *fixture)
{
  GtkTextBuffer *buffer = _adiuva_notes_page_get_body_buffer (fixture->page);
  GtkTextIter    start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);

  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static AdwMessageDialog *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) toplevel = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (toplevel))
        return ADW_MESSAGE_DIALOG (toplevel);
    }

  return NULL;
}

static gboolean
no_message_dialog (gpointer data)
{
  return find_message_dialog () == NULL;
}

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

/* Clicks the button of the dialog that asks, and waits for the dialog to go. */
static void
answer_message_dialog (const char *button_label)
{
  AdwMessageDialog *dialog = find_message_dialog ();
  GtkWidget        *button;

  g_assert_nonnull (dialog);
  test_ui_wait_until (is_mapped, dialog);
  button = test_ui_find_descendant (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, button_label);
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  test_ui_wait_until (no_message_dialog, NULL);
}

/* A [[link]] in the preview opens the note of that title, whatever the case of its letters. */
static void
test_link_opens_note (Fixture      *fixture,
                      gconstpointer data)
{
  gint64           home = add_note (fixture->store, "Workshop plan",
                                    "# Workshop plan\n\n"
                                              "A *calm* start, then the **budget** review. Notes from the call are "
                                              "in [[client call]]; the venue is on "
                                              "[the map](https://www.openstreetmap.org).\n\n"
                                              "## Agenda\n\n"
                                              "1. Welcome and coffee\n"
                                              "2. Budget, with `budget.ods`\n"
                                              "   - travel\n"
                                              "   - rooms\n\n"
                                              "> Keep the afternoon free for questions.\n\n"
                                              "```\n"
                                              "09:30  doors\n"
                                              "10:00  start\n"
                                              "```\n");
  g_autofree char *text = NULL;

  add_note (fixture->store, "Client Call", "Agreed on *two* sessions. Back to [[Workshop plan]].");
  fixture_open_page (fixture);
  adiuva_notes_page_show_note (fixture->page, home);
  show_preview (fixture);
  test_ui_screenshot (GTK_WIDGET (fixture->window), "notes-preview");
  test_ui_screenshot_dark (GTK_WIDGET (fixture->window), "notes-preview-dark");

  activate_preview_link (fixture, "client call");
  g_assert_cmpstr (open_title (fixture), ==, "Client Call");
  /* Still reading, now the other note. */
  text = dup_preview_text (fixture);
  g_assert_cmpstr (text, ==, "Agreed on two sessions. Back to Workshop plan.");

  activate_preview_link (fixture, "Workshop plan");
  g_assert_cmpint (adiuva_record_get_id (ADIUVA_RECORD (_adiuva_notes_page_get_note (fixture->page))),
                   ==, home);
}

/* A link to a note that does not exist offers to create it; declined, nothing is made. */
static void
test_link_creates_missing_note (Fixture      *fixture,
                                gconstpointer data)
{
  gint64 home = add_note (fixture->store, "Home", "Next: [[Ünïcode Plan]].");
  g_autoptr (GListModel) notes = NULL;
  g_autoptr (GError) error = NULL;
  gboolean preview = TRUE;
  gint64   created;

  fixture_open_page (fixture);
  adiuva_notes_page_show_note (fixture->page, home);
  show_preview (fixture);

  activate_preview_link (fixture, "Ünïcode Plan");
  answer_message_dialog ("_Cancel");
  g_assert_cmpstr (open_title (fixture), ==, "Home");
  notes = adiuva_store_list_notes (fixture->store, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (notes), ==, 1);
  g_clear_object (&notes);

  activate_preview_link (fixture, "Ünïcode Plan");
  answer_message_dialog ("C_reate Note");
  g_assert_cmpstr (open_title (fixture), ==, "Ünïcode Plan");
  created = adiuva_record_get_id (ADIUVA_RECORD (_adiuva_notes_page_get_note (fixture->page)));
  g_assert_cmpint (created, !=, home);
  notes = adiuva_store_list_notes (fixture->store, -1, &error);
  g_assert_cmpuint (g_list_model_get_n_items (notes), ==, 2);
  /* The new note is empty: the editor shows, to write it. */
  g_object_get (fixture->page, "preview", &preview, NULL);
  g_assert_false (preview);

  /* Found again with other capitals (beyond ASCII), not made twice. */
  _adiuva_notes_page_edit (fixture->page, "Ünïcode Plan", "Back [[HOME]], on: [[ünÏCODE plan]]");
  show_preview (fixture);
  activate_preview_link (fixture, "ünÏCODE plan");
  g_assert_null (find_message_dialog ());
  g_assert_cmpint (adiuva_record_get_id (ADIUVA_RECORD (_adiuva_notes_page_get_note (fixture->page))),
                   ==, created);
  activate_preview_link (fixture, "HOME");
  g_assert_cmpstr (open_title (fixture), ==, "Home");
}

static gboolean
is_saved (gpointer data)
{
  Fixture *fixture = data;

  return g_strcmp0 (_adiuva_notes_page_get_status (fixture->page), "Saved") == 0;
}

/* Typing is saved once it pauses, and what is still unsaved when the page goes is saved
 * then: both are in the workspace when it is opened again. */
static void
test_autosave (Fixture      *fixture,
               gconstpointer data)
{
  gint64 id = add_note (fixture->store, "Draft", "First line.");
  g_autoptr (AdiuvaNote) saved = NULL;
  g_autofree char *text = NULL;
  GtkTextBuffer   *buffer;
  GtkTextIter      end;

  fixture_open_page (fixture);
  adiuva_notes_page_show_note (fixture->page, id);
  buffer = _adiuva_notes_page_get_body_buffer (fixture->page);
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert_interactive (buffer, &end, "\nTyped, then a pause.", -1, TRUE);
  g_assert_cmpstr (_adiuva_notes_page_get_status (fixture->page), ==, "Not saved yet");
  test_ui_wait_until (is_saved, fixture);

  fixture_reopen_store (fixture);
  saved = get_note (fixture, id);
  g_assert_cmpstr (adiuva_note_get_body (saved), ==, "First line.\nTyped, then a pause.");
  g_clear_object (&saved);

  fixture_open_page (fixture);
  adiuva_notes_page_show_note (fixture->page, id);
  buffer = _adiuva_notes_page_get_body_buffer (fixture->page);
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert_interactive (buffer, &end, "\nNo pause.", -1, TRUE);
  g_assert_false (is_saved (fixture));
  /* Opening the open note again (as quick find does) keeps what was typed. */
  adiuva_notes_page_show_note (fixture->page, id);
  text = dup_body_text (fixture);
  g_assert_cmpstr (text, ==, "First line.\nTyped, then a pause.\nNo pause.");
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert_interactive (buffer, &end, " Then closed.", -1, TRUE);

  fixture_reopen_store (fixture);
  saved = get_note (fixture, id);
  g_assert_cmpstr (adiuva_note_get_body (saved), ==,
                   "First line.\nTyped, then a pause.\nNo pause. Then closed.");
}

/* HTML in a note is shown as the text it is, in the preview too. */
static void
test_html_shown_as_text (Fixture      *fixture,
                         gconstpointer data)
{
  gint64           id = add_note (fixture->store, "Pasted",
                                  "<img src=x onerror=alert(1)> <b>bold?</b>\n\n<script>alert(2)</script>\n");
  g_autofree char *text = NULL;

  fixture_open_page (fixture);
  adiuva_notes_page_show_note (fixture->page, id);
  show_preview (fixture);
  text = dup_preview_text (fixture);
  g_assert_cmpstr (text, ==, "<img src=x onerror=alert(1)> <b>bold?</b>\n\n<script>alert(2)</script>");
}

/* In the editor, [[Title]] is marked as the link it is, as it is typed. */
static void
test_editor_highlights_links (Fixture      *fixture,
                              gconstpointer data)
{
  gint64         id = add_note (fixture->store, "Links", "");
  GtkTextBuffer *buffer;
  GtkTextTag    *tag;
  GtkTextIter    iter;

  fixture_open_page (fixture);
  adiuva_notes_page_show_note (fixture->page, id);
  buffer = _adiuva_notes_page_get_body_buffer (fixture->page);
  tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), "wiki-link");
  g_assert_nonnull (tag);

  gtk_text_buffer_set_text (buffer, "Ça: [[Première]] and [[no", -1);
  gtk_text_buffer_get_iter_at_offset (buffer, &iter, 4);
  g_assert_true (gtk_text_iter_starts_tag (&iter, tag));
  gtk_text_buffer_get_iter_at_offset (buffer, &iter, 16);
  g_assert_true (gtk_text_iter_ends_tag (&iter, tag));
  gtk_text_buffer_get_iter_at_offset (buffer, &iter, 22);
  g_assert_false (gtk_text_iter_has_tag (&iter, tag));

  gtk_text_buffer_get_end_iter (buffer, &iter);
  gtk_text_buffer_insert (buffer, &iter, "te]] [[ ]]", -1);
  gtk_text_buffer_get_iter_at_offset (buffer, &iter, 22);
  g_assert_true (gtk_text_iter_has_tag (&iter, tag));
  /* Brackets around nothing link nowhere. */
  gtk_text_buffer_get_iter_at_offset (buffer, &iter, 30);
  g_assert_false (gtk_text_iter_has_tag (&iter, tag));

  gtk_text_buffer_get_iter_at_offset (buffer, &iter, 5);
  gtk_text_buffer_backspace (buffer, &iter, TRUE, TRUE);
  gtk_text_buffer_get_iter_at_offset (buffer, &iter, 5);
  g_assert_false (gtk_text_iter_has_tag (&iter, tag));
}

static gboolean
first_listed_is (gpointer data)
{
  Fixture *fixture = g_object_get_data (data, "fixture");

  return _adiuva_notes_page_get_n_listed (fixture->page) > 0 &&
         g_strcmp0 (_adiuva_notes_page_get_listed_title (fixture->page, 0),
                    g_object_get_data (data, "title")) == 0;
}

static void
wait_for_first_listed (Fixture    *fixture,
                       const char *title)
{
  g_autoptr (GObject) wait = g_object_new (G_TYPE_OBJECT, NULL);

  g_object_set_data (wait, "fixture", fixture);
  g_object_set_data (wait, "title", (gpointer) title);
  /* The list reloads when idle after a change: let that happen first. */
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  test_ui_wait_until (first_listed_is, wait);
}

/* A pinned note stays first, in the workspace too; search finds notes by all their words. */
static void
test_pinned_and_search (Fixture      *fixture,
                        gconstpointer data)
{
  gint64 older = add_note (fixture->store, "Invoices", "Send the BUDGET to Ana.");
  g_autoptr (AdiuvaNote) saved = NULL;
  gboolean pinned = TRUE;

  gint64 newer = add_note (fixture->store, "Workshop", "Rooms and coffee.");

  fixture_open_page (fixture);
  wait_for_first_listed (fixture, "Workshop");

  adiuva_notes_page_show_note (fixture->page, older);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "notes.pinned", NULL));
  wait_for_first_listed (fixture, "Invoices");
  /* A newer change to another note does not move it down. */
  adiuva_notes_page_show_note (fixture->page, newer);
  _adiuva_notes_page_edit (fixture->page, "Workshop", "Rooms, coffee and lunch.");
  _adiuva_notes_page_save_now (fixture->page);
  wait_for_first_listed (fixture, "Invoices");
  test_ui_screenshot (GTK_WIDGET (fixture->window), "notes-pinned");

  _adiuva_notes_page_search (fixture->page, "ana budget");
  g_assert_cmpuint (_adiuva_notes_page_get_n_listed (fixture->page), ==, 1);
  g_assert_cmpstr (_adiuva_notes_page_get_listed_title (fixture->page, 0), ==, "Invoices");
  _adiuva_notes_page_search (fixture->page, "coffee  ROOMS");
  g_assert_cmpuint (_adiuva_notes_page_get_n_listed (fixture->page), ==, 1);
  g_assert_cmpstr (_adiuva_notes_page_get_listed_title (fixture->page, 0), ==, "Workshop");
  _adiuva_notes_page_search (fixture->page, "coffee budget");
  g_assert_cmpuint (_adiuva_notes_page_get_n_listed (fixture->page), ==, 0);
  _adiuva_notes_page_search (fixture->page, "");
  g_assert_cmpuint (_adiuva_notes_page_get_n_listed (fixture->page), ==, 2);

  fixture_reopen_store (fixture);
  saved = get_note (fixture, older);
  g_assert_true (adiuva_note_get_pinned (saved));
  g_clear_object (&saved);

  /* Unpinned from the page, it is unpinned in the workspace. */
  fixture_open_page (fixture);
  adiuva_notes_page_show_note (fixture->page, older);
  g_object_get (fixture->page, "pinned", &pinned, NULL);
  g_assert_true (pinned);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "notes.pinned", NULL));
  fixture_reopen_store (fixture);
  saved = get_note (fixture, older);
  g_assert_false (adiuva_note_get_pinned (saved));
}

/* Ctrl+Shift+P switches between the editor and the preview (the shortcuts window lists it). */
static void
test_preview_shortcut (Fixture      *fixture,
                       gconstpointer data)
{
  g_autoptr (GListModel) controllers = NULL;
  g_autoptr (GtkShortcutTrigger) expected = gtk_shortcut_trigger_parse_string ("<Control><Shift>p");
  gboolean found = FALSE;

  fixture_open_page (fixture);
  controllers = gtk_widget_observe_controllers (GTK_WIDGET (fixture->page));
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;

      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr (GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);

          if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), expected) &&
              GTK_IS_NAMED_ACTION (action))
            {
              g_assert_cmpstr (gtk_named_action_get_action_name (GTK_NAMED_ACTION (action)), ==,
                               "notes.preview");
              found = TRUE;
            }
        }
    }
  g_assert_true (found);
}

/* The editor, its buttons and the preview fit a phone's 360 pixels. */
static void
test_narrow (Fixture      *fixture,
             gconstpointer data)
{
  gint64 id = add_note (fixture->store, "Workshop plan", "# Agenda\n\n- Welcome, see [[Venue]]");
  int    minimum;

  fixture_open_page (fixture);
  gtk_window_set_default_size (fixture->window, 360, 640);
  adiuva_notes_page_show_note (fixture->page, id);
  show_preview (fixture);
  gtk_widget_measure (GTK_WIDGET (fixture->page), GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL,
                      NULL, NULL);
  g_assert_cmpint (minimum, <=, 360);
  test_ui_screenshot (GTK_WIDGET (fixture->window), "notes-preview-narrow");
}

int
main (int   argc,
      char *argv[])
{
  test_ui_init (&argc, &argv);

  g_test_add ("/ui/notes/link-opens-note", Fixture, NULL, fixture_set_up, test_link_opens_note,
              fixture_tear_down);
  g_test_add ("/ui/notes/link-creates-missing-note", Fixture, NULL, fixture_set_up,
              test_link_creates_missing_note, fixture_tear_down);
  g_test_add ("/ui/notes/autosave", Fixture, NULL, fixture_set_up, test_autosave,
              fixture_tear_down);
  g_test_add ("/ui/notes/html-shown-as-text", Fixture, NULL, fixture_set_up,
              test_html_shown_as_text, fixture_tear_down);
  g_test_add ("/ui/notes/editor-highlights-links", Fixture, NULL, fixture_set_up,
              test_editor_highlights_links, fixture_tear_down);
  g_test_add ("/ui/notes/pinned-and-search", Fixture, NULL, fixture_set_up,
              test_pinned_and_search, fixture_tear_down);
  g_test_add ("/ui/notes/narrow", Fixture, NULL, fixture_set_up, test_narrow, fixture_tear_down);
  g_test_add ("/ui/notes/preview-shortcut", Fixture, NULL, fixture_set_up, test_preview_shortcut,
              fixture_tear_down);

  return g_test_run ();
}
