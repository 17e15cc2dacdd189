/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-quick-find"

#include "config.h"

#include <glib/gi18n.h>

#include "adiuva-quick-find-private.h"
#include "adiuva-status-page.h"

#define MAX_RESULTS 30

/* Ctrl+K: one field that finds anything in the workspace as you type; Enter opens the best
 * match, Escape closes. What a result opens is the window's business (::result-activated). */
struct _AdiuvaQuickFind
{
  AdwWindow parent_instance;

  AdiuvaStore *store;

  GtkSearchEntry   *entry;
  GtkStack         *stack;
  GtkListBox       *results_list;
  AdiuvaStatusPage *empty_page;
};

G_DEFINE_FINAL_TYPE (AdiuvaQuickFind, adiuva_quick_find, ADW_TYPE_WINDOW)

enum
{
  RESULT_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
entity_icon_name (AdiuvaEntity entity)
{
  switch (entity)
    {
    case ADIUVA_ENTITY_TASK:
      return "checkbox-checked-symbolic";
    case ADIUVA_ENTITY_PROJECT:
      return "folder-symbolic";
    case ADIUVA_ENTITY_CHECKPOINT:
      return "emoji-flags-symbolic";
    case ADIUVA_ENTITY_NOTE:
      return "x-office-document-symbolic";
    case ADIUVA_ENTITY_CLIENT:
    case ADIUVA_ENTITY_TASK_COMMENT:
    case ADIUVA_ENTITY_CONVERSATION:
    case ADIUVA_ENTITY_MESSAGE:
    default:
      return "system-search-symbolic";
    }
}

/* The store marks matched words with control characters; here they become bold, and the text
 * between them is escaped. */
static char *
snippet_markup (const char *snippet)
{
  GString    *markup = g_string_new (NULL);
  const char *start = snippet != NULL ? snippet : "";
  const char *p;

  for (p = start; *p != '\0'; p++)
    {
      gboolean opens = g_str_has_prefix (p, ADIUVA_SEARCH_MATCH_START);

      if (opens || g_str_has_prefix (p, ADIUVA_SEARCH_MATCH_END))
        {
          g_autofree char *escaped = g_markup_escape_text (start, p - start);

          g_string_append (markup, escaped);
          g_string_append (markup, opens ? "<b>" : "</b>");
          start = p + 1;
        }
    }
  if (p > start)
    {
      g_autofree char *escaped = g_markup_escape_text (start, p - start);

      g_string_append (markup, escaped);
    }

  return g_string_free (markup, FALSE);
}

static GtkWidget *
create_row (const AdiuvaSearchResult *result)
{
  GtkWidget       *row = adw_action_row_new ();
  g_autofree char *subtitle = snippet_markup (result->snippet);
  g_autofree char *title = g_markup_escape_text (result->title != NULL ? result->title : "", -1);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                             gtk_image_new_from_icon_name (entity_icon_name (result->entity)));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data (G_OBJECT (row), "adiuva-entity", GINT_TO_POINTER (result->entity));
  g_object_set_data_full (G_OBJECT (row), "adiuva-id", g_memdup2 (&result->id, sizeof result->id),
                          g_free);

  return row;
}

void
_adiuva_quick_find_search (AdiuvaQuickFind *self,
                           const char      *text)
{
  g_autoptr (GPtrArray) results = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  GtkWidget       *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->results_list))) != NULL)
    gtk_list_box_remove (self->results_list, child);

  if (*stripped == '\0')
    {
      adiuva_status_page_set_title (self->empty_page, _ ("Find Anything"));
      adiuva_status_page_set_description (self->empty_page,
                                          _ ("Type a few letters of a task, project, checkpoint "
                                             "or note."));
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  results = adiuva_store_search (self->store, stripped, MAX_RESULTS, &error);
  if (results == NULL)
    {
      adiuva_status_page_set_title (self->empty_page, _ ("Search Failed"));
      adiuva_status_page_set_description (self->empty_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  for (guint i = 0; i < results->len; i++)
    gtk_list_box_append (self->results_list, create_row (g_ptr_array_index (results, i)));

  if (results->len == 0)
    {
      adiuva_status_page_set_title (self->empty_page, _ ("Nothing Found"));
      adiuva_status_page_set_description (self->empty_page,
                                          _ ("No task, project, checkpoint or note has these "
                                             "words."));
    }
  else
    gtk_list_box_select_row (self->results_list,
                             gtk_list_box_get_row_at_index (self->results_list, 0));
  gtk_stack_set_visible_child_name (self->stack, results->len > 0 ? "results" : "empty");
}

guint
_adiuva_quick_find_get_n_results (AdiuvaQuickFind *self)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->results_list));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    n++;

  return n;
}

static void
activate_row (AdiuvaQuickFind *self,
              GtkListBoxRow   *row)
{
  AdiuvaEntity entity = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "adiuva-entity"));
  gint64       id = *(gint64 *) g_object_get_data (G_OBJECT (row), "adiuva-id");

  g_signal_emit (self, signals[RESULT_ACTIVATED], 0, entity, id);
  gtk_window_close (GTK_WINDOW (self));
}

void
_adiuva_quick_find_activate_first (AdiuvaQuickFind *self)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->results_list);

  if (row == NULL)
    row = gtk_list_box_get_row_at_index (self->results_list, 0);
  if (row != NULL)
    activate_row (self, row);
}

static void
search_changed_cb (AdiuvaQuickFind *self)
{
  _adiuva_quick_find_search (self, gtk_editable_get_text (GTK_EDITABLE (self->entry)));
}

static void
entry_activate_cb (AdiuvaQuickFind *self)
{
  /* Enter may come before the search delay is over: search what is typed now. */
  search_changed_cb (self);
  _adiuva_quick_find_activate_first (self);
}

static void
stop_search_cb (AdiuvaQuickFind *self)
{
  gtk_window_close (GTK_WINDOW (self));
}

static void
row_activated_cb (AdiuvaQuickFind *self,
                  GtkListBoxRow   *row)
{
  activate_row (self, row);
}

/* Down from the field goes to the results, so the keyboard can pick one. */
static gboolean
entry_key_pressed_cb (AdiuvaQuickFind       *self,
                      guint                  keyval,
                      guint                  keycode,
                      GdkModifierType        state,
                      GtkEventControllerKey *controller)
{
  GtkListBoxRow *row;

  if (keyval != GDK_KEY_Down && keyval != GDK_KEY_KP_Down)
    return GDK_EVENT_PROPAGATE;

  row = gtk_list_box_get_row_at_index (self->results_list, 0);
  if (row == NULL)
    return GDK_EVENT_PROPAGATE;

  gtk_widget_grab_focus (GTK_WIDGET (row));
  return GDK_EVENT_STOP;
}

static void
adiuva_quick_find_dispose (GObject *object)
{
  AdiuvaQuickFind *self = ADIUVA_QUICK_FIND (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), ADIUVA_TYPE_QUICK_FIND);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (adiuva_quick_find_parent_class)->dispose (object);
}

static void
adiuva_quick_find_class_init (AdiuvaQuickFindClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = adiuva_quick_find_dispose;

  /**
   * AdiuvaQuickFind::result-activated:
   * @entity: an #AdiuvaEntity
   * @id: the record's id
   *
   * A result was chosen; the window closes itself.
   */
  signals[RESULT_ACTIVATED] = g_signal_new ("result-activated", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                            2, ADIUVA_TYPE_ENTITY, G_TYPE_INT64);

  g_type_ensure (ADIUVA_TYPE_STATUS_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/adiuva/Adiuva/adiuva-quick-find.ui");
  gtk_widget_class_bind_template_child (widget_class, AdiuvaQuickFind, entry);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaQuickFind, stack);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaQuickFind, results_list);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaQuickFind, empty_page);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
adiuva_quick_find_init (AdiuvaQuickFind *self)
{
  GtkEventController *keys = gtk_event_controller_key_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (entry_key_pressed_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->entry), keys);
}

AdiuvaQuickFind *
adiuva_quick_find_new (GtkWindow   *parent,
                       AdiuvaStore *store)
{
  AdiuvaQuickFind *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (ADIUVA_IS_STORE (store), NULL);

  self = g_object_new (ADIUVA_TYPE_QUICK_FIND, "transient-for", parent, NULL);
  self->store = g_object_ref (store);
  _adiuva_quick_find_search (self, "");

  return self;
}
