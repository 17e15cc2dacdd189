/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-project-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "adiuva-accessible.h"
#include "adiuva-checkpoint-dialog.h"
#include "adiuva-colour-dot.h"
#include "adiuva-format.h"
#include "adiuva-project-dialog.h"
#include "adiuva-project-page-private.h"
#include "adiuva-record-actions.h"
#include "adiuva-task-row.h"
#include "adiuva-window.h"

/* How many open tasks the page lists; “All Tasks” shows the rest on the Tasks page. */
#define TASK_ROWS 50

/* One project: its status and colour, its open tasks, its checkpoints and its notes, each
 * with a line to add one. It lives inside the Projects page, which owns `projects.back`.
 * Status, colour and archived are properties with property actions (`project.status`,
 * `project.colour`, `project.archived`): buttons, shortcuts and tests go through them, and
 * setting one saves it. Name, client and description change in the project's dialog
 * (`project.edit`, F2); checkpoints are added or edited in theirs. */
struct _AdiuvaProjectPage
{
  GtkWidget parent_instance;

  AdiuvaStore         *store;
  AdiuvaProject       *project;
  AdiuvaTaskListModel *tasks;
  GListStore          *checkpoints;
  GListStore          *notes;
  guint                reload_source;

  GtkWidget       *box;
  GtkWidget       *back_button;
  AdiuvaColourDot *colour_dot;
  GtkLabel        *name_label;
  GtkLabel        *summary_label;
  GtkButton       *archive_button;
  GtkWidget       *message_group;
  GtkLabel        *message_label;
  GtkFlowBox      *colours_box;
  GtkWidget       *all_tasks_button;
  GtkEditable     *task_row;
  GtkListBox      *tasks_list;
  GtkEditable     *checkpoint_row;
  GtkListBox      *checkpoints_list;
  GtkEditable     *note_row;
  GtkListBox      *notes_list;
};

G_DEFINE_FINAL_TYPE (AdiuvaProjectPage, adiuva_project_page, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_STORE,
  PROP_PROJECT_ID,
  PROP_STATUS,
  PROP_COLOUR,
  PROP_ARCHIVED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_message (AdiuvaProjectPage *self,
             const char        *message)
{
  gtk_label_set_label (self->message_label, message != NULL ? message : "");
  gtk_widget_set_visible (self->message_group, message != NULL);
}

static const char *
status_nick (AdiuvaProjectStatus status)
{
  g_autoptr (GEnumClass) enum_class = g_type_class_ref (ADIUVA_TYPE_PROJECT_STATUS);
  GEnumValue *value = g_enum_get_value (enum_class, status);

  /* Nicks are static strings of the type, which outlives the class reference. */
  return value != NULL ? value->value_nick : "active";
}

/* “ACME · Paused · Archived”: what the header says under the name. */
static void
update_header (AdiuvaProjectPage *self)
{
  g_autoptr (GPtrArray) parts = g_ptr_array_new ();
  g_autoptr (AdiuvaClient) client = NULL;
  g_autofree char    *summary = NULL;
  gboolean            archived = adiuva_project_get_archived (self->project);
  AdiuvaProjectStatus status = adiuva_project_get_status (self->project);

  client = adiuva_project_get_client_id (self->project) > 0
               ? adiuva_store_get (self->store, ADIUVA_TYPE_CLIENT,
                                   adiuva_project_get_client_id (self->project), NULL)
               : NULL;
  if (client != NULL)
    g_ptr_array_add (parts, (gpointer) adiuva_client_get_name (client));
  g_ptr_array_add (parts, (gpointer) adiuva_format_project_status (status));
  if (archived)
    g_ptr_array_add (parts, (gpointer) _ ("Archived"));
  g_ptr_array_add (parts, NULL);
  /* Translators: the separator between a project's client, status and “Archived” */
  summary = g_strjoinv (_ (" · "), (char **) parts->pdata);

  gtk_label_set_label (self->name_label, adiuva_project_get_name (self->project));
  gtk_label_set_label (self->summary_label, summary);
  adiuva_colour_dot_set_colour (self->colour_dot, adiuva_project_get_colour (self->project));
  gtk_button_set_label (self->archive_button, archived ? _ ("_Unarchive") : _ ("_Archive"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->archive_button),
                               archived ? _ ("Bring the project back to the list (Ctrl+E)")
                                        : _ ("Hide the project from the list (Ctrl+E)"));
}

/* Checkpoints */

static AdiuvaCheckpoint *
widget_checkpoint (GtkWidget *widget)
{
  return g_object_get_data (G_OBJECT (widget), "adiuva-checkpoint");
}

static void
checkpoint_done_cb (GtkCheckButton    *check,
                    AdiuvaProjectPage *self)
{
  AdiuvaCheckpoint *checkpoint = widget_checkpoint (GTK_WIDGET (check));
  g_autoptr (GError) error = NULL;

  if (gtk_check_button_get_active (check) == adiuva_checkpoint_get_done (checkpoint))
    return;

  adiuva_checkpoint_set_done (checkpoint, gtk_check_button_get_active (check));
  if (!adiuva_store_update (self->store, ADIUVA_RECORD (checkpoint), &error))
    adiuva_toast_show_error (GTK_WIDGET (self), error);
}

static void
delete_checkpoint_cb (GtkButton         *button,
                      AdiuvaProjectPage *self)
{
  AdiuvaCheckpoint *checkpoint = widget_checkpoint (GTK_WIDGET (button));
  g_autoptr (GError) error = NULL;

  if (!adiuva_record_delete_with_undo (GTK_WIDGET (self), self->store, ADIUVA_RECORD (checkpoint),
                                       adiuva_checkpoint_get_title (checkpoint), &error))
    adiuva_toast_show_error (GTK_WIDGET (self), error);
}

static GtkWidget *
create_checkpoint_row_cb (gpointer item,
                          gpointer user_data)
{
  AdiuvaProjectPage *self = user_data;
  AdiuvaCheckpoint  *checkpoint = item;
  const char        *date = adiuva_checkpoint_get_date (checkpoint);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *when = adiuva_format_floating_due (date, now);
  g_autofree char *subtitle = NULL;
  g_autofree char *edit_label = NULL;
  GtkWidget       *row = adw_action_row_new ();
  GtkWidget       *check = gtk_check_button_new ();
  GtkWidget       *edit;
  GtkWidget *delete = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gboolean done = adiuva_checkpoint_get_done (checkpoint);

  if (!done && adiuva_floating_due_is_overdue (date, now))
    {
      /* Translators: an overdue checkpoint's date, e.g. “Overdue · 3 Nov” */
      subtitle = g_strdup_printf (_ ("Overdue · %s"), when != NULL ? when : date);
      gtk_widget_add_css_class (row, "overdue");
    }
  else
    subtitle = g_strdup (when != NULL ? when : date);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 adiuva_checkpoint_get_title (checkpoint));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (done)
    gtk_widget_add_css_class (row, "done");

  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), done);
  gtk_widget_set_tooltip_text (check, _ ("Reached"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  adiuva_checkpoint_get_title (checkpoint), -1);
  g_object_set_data_full (G_OBJECT (check), "adiuva-checkpoint", g_object_ref (checkpoint),
                          g_object_unref);
  g_signal_connect_object (check, "toggled", G_CALLBACK (checkpoint_done_cb), self, 0);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);

  /* Translators: a button's tooltip and name; %s is a checkpoint's title */
  edit_label = g_strdup_printf (_ ("Edit %s"), adiuva_checkpoint_get_title (checkpoint));
  edit = adiuva_accessible_icon_button ("document-edit-symbolic", edit_label);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (edit), "project.edit-checkpoint");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (edit), "x",
                                    adiuva_record_get_id (ADIUVA_RECORD (checkpoint)));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), edit);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), edit);

  gtk_widget_set_valign (delete, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (delete, "flat");
  gtk_widget_set_tooltip_text (delete, _ ("Delete the checkpoint"));
  g_object_set_data_full (G_OBJECT (delete), "adiuva-checkpoint", g_object_ref (checkpoint),
                          g_object_unref);
  g_signal_connect_object (delete, "clicked", G_CALLBACK (delete_checkpoint_cb), self, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), delete);

  return row;
}

/* Notes */

/* The first line of a note with something on it, for the row's subtitle. */
static char *
dup_first_line (const char *body)
{
  g_auto (GStrv) lines = g_strsplit (body != NULL ? body : "", "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);

      if (*line != '\0')
        return g_strdup (line);
    }

  return g_strdup (_ ("Empty"));
}

static GtkWidget *
create_note_row_cb (gpointer item,
                    gpointer user_data)
{
  AdiuvaNote      *note = item;
  GtkWidget       *row = adw_action_row_new ();
  g_autofree char *first_line = dup_first_line (adiuva_note_get_body (note));

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), adiuva_note_get_title (note));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), first_line);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "win.show-note");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "x",
                                    adiuva_record_get_id (ADIUVA_RECORD (note)));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);

  return row;
}

/* Tasks */

static GtkWidget *
create_task_row_cb (gpointer item,
                    gpointer user_data)
{
  AdiuvaProjectPage *self = user_data;
  GtkWidget         *row = gtk_list_box_row_new ();
  GtkWidget         *task_row = adiuva_task_row_new (self->store);

  adiuva_task_row_set_task (ADIUVA_TASK_ROW (task_row), item);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), task_row);

  return row;
}

static void
task_activated_cb (AdiuvaProjectPage *self,
                   GtkListBoxRow     *row,
                   GtkListBox        *list)
{
  AdiuvaTask *task = adiuva_task_row_get_task (ADIUVA_TASK_ROW (gtk_list_box_row_get_child (row)));
  GtkRoot    *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (task != NULL && ADIUVA_IS_WINDOW (root))
    adiuva_window_show_task (ADIUVA_WINDOW (root), adiuva_record_get_id (ADIUVA_RECORD (task)));
}

static GtkWidget *
create_placeholder (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_set_margin_top (label, 12);
  gtk_widget_set_margin_bottom (label, 12);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);

  return label;
}

/* Loading */

static void
splice_all (GListStore *store,
            GListModel *items)
{
  g_autoptr (GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; items != NULL && i < g_list_model_get_n_items (items); i++)
    g_ptr_array_add (all, g_list_model_get_item (items, i));
  g_list_store_splice (store, 0, g_list_model_get_n_items (G_LIST_MODEL (store)), all->pdata,
                       all->len);
}

static void
go_back (AdiuvaProjectPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "projects.back", NULL);
}

/* The project, its checkpoints and its notes, read again; the tasks follow by themselves. */
static void
reload (AdiuvaProjectPage *self)
{
  gint64 id = self->project != NULL ? adiuva_record_get_id (ADIUVA_RECORD (self->project)) : 0;
  g_autoptr (AdiuvaProject) project = NULL;
  g_autoptr (GListModel) checkpoints = NULL;
  g_autoptr (GListModel) notes = NULL;
  g_autoptr (GError) error = NULL;

  if (id <= 0)
    return;

  project = adiuva_store_get (self->store, ADIUVA_TYPE_PROJECT, id, &error);
  if (project == NULL && !g_error_matches (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NOT_FOUND))
    {
      set_message (self, error->message);
      return;
    }
  if (project == NULL)
    {
      /* Deleted elsewhere (adiuva-cli): there is nothing left to show. */
      g_clear_object (&self->project);
      splice_all (self->checkpoints, NULL);
      splice_all (self->notes, NULL);
      go_back (self);
      return;
    }

  g_set_object (&self->project, project);
  update_header (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLOUR]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ARCHIVED]);

  checkpoints = adiuva_store_list_checkpoints (self->store, id, NULL, NULL, &error);
  if (checkpoints == NULL)
    set_message (self, error->message);
  splice_all (self->checkpoints, checkpoints);

  g_clear_error (&error);
  notes = adiuva_store_list_notes (self->store, id, &error);
  if (notes == NULL)
    set_message (self, error->message);
  splice_all (self->notes, notes);
}

static gboolean
reload_idle_cb (gpointer user_data)
{
  AdiuvaProjectPage *self = user_data;

  self->reload_source = 0;
  reload (self);

  return G_SOURCE_REMOVE;
}

static void
store_changed_cb (AdiuvaProjectPage *self,
                  AdiuvaEntity       entity,
                  gint64             id,
                  AdiuvaChange       change,
                  AdiuvaStore       *store)
{
  /* A client's new name shows in the header too. */
  if ((entity == ADIUVA_ENTITY_PROJECT || entity == ADIUVA_ENTITY_CHECKPOINT ||
       entity == ADIUVA_ENTITY_NOTE || entity == ADIUVA_ENTITY_CLIENT) &&
      self->project != NULL && self->reload_source == 0)
    self->reload_source = g_idle_add_full (G_PRIORITY_DEFAULT, reload_idle_cb, self, NULL);
}

/* Adding */

/* What was typed goes once it is saved; on failure it stays, to be corrected. */
static void
add_record (AdiuvaProjectPage *self,
            AdiuvaRecord      *record,
            GtkEditable       *entry)
{
  g_autoptr (GError) error = NULL;

  if (!adiuva_store_add (self->store, record, &error))
    {
      set_message (self, error->message);
      return;
    }

  set_message (self, NULL);
  gtk_editable_set_text (entry, "");
}

/* A task typed here goes to this project, whatever `#project` it names. */
void
_adiuva_project_page_add_task (AdiuvaProjectPage *self,
                               const char        *text)
{
  g_autoptr (AdiuvaTask) task = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  if (*stripped == '\0' || self->project == NULL)
    return;

  task = adiuva_store_task_from_text (self->store, stripped, NULL,
                                      adiuva_record_get_id (ADIUVA_RECORD (self->project)),
                                      &error);
  if (task == NULL)
    {
      set_message (self, error->message);
      return;
    }
  add_record (self, ADIUVA_RECORD (task), self->task_row);
}

/* A checkpoint is typed with its date in quick add's words: “Design review friday”. */
void
_adiuva_project_page_add_checkpoint (AdiuvaProjectPage *self,
                                     const char        *text)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (AdiuvaQuickAdd) parsed = adiuva_quick_add_parse (text, now);
  g_autoptr (AdiuvaCheckpoint) checkpoint = NULL;
  g_autofree char *date = NULL;

  if (self->project == NULL)
    return;
  if (parsed->due == NULL || *parsed->title == '\0')
    {
      set_message (self, _ ("Say what and when, e.g. “Design review friday” or “Launch "
                            "2026-12-01”."));
      return;
    }

  date = adiuva_date_format_floating (parsed->due, FALSE);
  checkpoint = adiuva_checkpoint_new ();
  adiuva_checkpoint_set_project_id (checkpoint,
                                    adiuva_record_get_id (ADIUVA_RECORD (self->project)));
  adiuva_checkpoint_set_title (checkpoint, parsed->title);
  adiuva_checkpoint_set_date (checkpoint, date);
  add_record (self, ADIUVA_RECORD (checkpoint), self->checkpoint_row);
}

/* A note starts with its title; the Notes page (a click on it) is where it is written. */
void
_adiuva_project_page_add_note (AdiuvaProjectPage *self,
                               const char        *title)
{
  g_autoptr (AdiuvaNote) note = NULL;
  g_autofree char *stripped = g_strstrip (g_strdup (title));

  if (*stripped == '\0' || self->project == NULL)
    return;

  note = adiuva_note_new ();
  adiuva_note_set_title (note, stripped);
  adiuva_note_set_body (note, "");
  adiuva_note_set_project_id (note, adiuva_record_get_id (ADIUVA_RECORD (self->project)));
  add_record (self, ADIUVA_RECORD (note), self->note_row);
}

static void
add_task_cb (AdiuvaProjectPage *self)
{
  _adiuva_project_page_add_task (self, gtk_editable_get_text (self->task_row));
}

static void
add_checkpoint_cb (AdiuvaProjectPage *self)
{
  _adiuva_project_page_add_checkpoint (self, gtk_editable_get_text (self->checkpoint_row));
}

static void
add_note_cb (AdiuvaProjectPage *self)
{
  _adiuva_project_page_add_note (self, gtk_editable_get_text (self->note_row));
}

/* Editing the project */

/* Saves self->project as changed; on failure, says so and shows what is stored. */
static void
save_project (AdiuvaProjectPage *self)
{
  g_autoptr (GError) error = NULL;

  if (!adiuva_store_update (self->store, ADIUVA_RECORD (self->project), &error))
    {
      adiuva_toast_show_error (GTK_WIDGET (self), error);
      reload (self);
    }
}

static void
set_status (AdiuvaProjectPage *self,
            const char        *nick)
{
  g_autoptr (GEnumClass) enum_class = g_type_class_ref (ADIUVA_TYPE_PROJECT_STATUS);
  GEnumValue *value = g_enum_get_value_by_nick (enum_class, nick != NULL ? nick : "");

  if (self->project == NULL || value == NULL ||
      (AdiuvaProjectStatus) value->value == adiuva_project_get_status (self->project))
    return;

  adiuva_project_set_status (self->project, value->value);
  save_project (self);
  update_header (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

static void
set_colour (AdiuvaProjectPage *self,
            const char        *colour)
{
  GdkRGBA rgba;

  if (self->project == NULL || colour == NULL || !gdk_rgba_parse (&rgba, colour) ||
      g_ascii_strcasecmp (colour, adiuva_project_get_colour (self->project)) == 0)
    return;

  adiuva_project_set_colour (self->project, colour);
  save_project (self);
  update_header (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLOUR]);
}

/* Archiving takes the project off the list: the page goes back to it, and the toast can undo. */
static void
set_archived (AdiuvaProjectPage *self,
              gboolean           archived)
{
  g_autoptr (GError) error = NULL;

  if (self->project == NULL || archived == adiuva_project_get_archived (self->project))
    return;

  if (!adiuva_project_set_archived_with_undo (GTK_WIDGET (self), self->store, self->project,
                                              archived, &error))
    {
      adiuva_toast_show_error (GTK_WIDGET (self), error);
      return;
    }

  adiuva_project_set_archived (self->project, archived);
  update_header (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ARCHIVED]);
  if (archived)
    go_back (self);
}

/* Dialogs and deleting */

static GtkWindow *
get_window (AdiuvaProjectPage *self)
{
  return GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self)));
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  AdiuvaProjectPage *self = ADIUVA_PROJECT_PAGE (widget);
  g_autoptr (AdiuvaProject) project = NULL;
  g_autoptr (GError) error = NULL;

  if (self->project == NULL)
    return;

  /* The dialog changes a copy: the page shows what is stored until it is saved. */
  project = adiuva_store_get (self->store, ADIUVA_TYPE_PROJECT,
                              adiuva_record_get_id (ADIUVA_RECORD (self->project)), &error);
  if (project == NULL)
    {
      adiuva_toast_show_error (widget, error);
      return;
    }
  gtk_window_present (
      GTK_WINDOW (adiuva_project_dialog_new (get_window (self), self->store, project)));
}

static void
new_checkpoint_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  AdiuvaProjectPage *self = ADIUVA_PROJECT_PAGE (widget);

  if (self->project != NULL)
    gtk_window_present (GTK_WINDOW (adiuva_checkpoint_dialog_new (
        get_window (self), self->store, adiuva_record_get_id (ADIUVA_RECORD (self->project)),
        NULL)));
}

static void
edit_checkpoint_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  AdiuvaProjectPage *self = ADIUVA_PROJECT_PAGE (widget);
  g_autoptr (AdiuvaCheckpoint) checkpoint = NULL;
  g_autoptr (GError) error = NULL;

  checkpoint = adiuva_store_get (self->store, ADIUVA_TYPE_CHECKPOINT,
                                 g_variant_get_int64 (parameter), &error);
  if (checkpoint == NULL)
    {
      adiuva_toast_show_error (widget, error);
      return;
    }
  gtk_window_present (GTK_WINDOW (adiuva_checkpoint_dialog_new (
      get_window (self), self->store, adiuva_checkpoint_get_project_id (checkpoint),
      checkpoint)));
}

static void
delete_project (AdiuvaProjectPage *self)
{
  g_autoptr (GError) error = NULL;

  if (self->project != NULL &&
      !adiuva_record_delete_with_undo (GTK_WIDGET (self), self->store, ADIUVA_RECORD (self->project),
                                       adiuva_project_get_name (self->project), &error))
    adiuva_toast_show_error (GTK_WIDGET (self), error);
}

/* Undo brings the project back with all it took, so it goes without asking. */
static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  delete_project (ADIUVA_PROJECT_PAGE (widget));
}

static void
focus_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  AdiuvaProjectPage *self = ADIUVA_PROJECT_PAGE (widget);
  const char        *which = g_variant_get_string (parameter, NULL);

  if (g_str_equal (which, "task"))
    gtk_widget_grab_focus (GTK_WIDGET (self->task_row));
  else if (g_str_equal (which, "checkpoint"))
    gtk_widget_grab_focus (GTK_WIDGET (self->checkpoint_row));
  else if (g_str_equal (which, "note"))
    gtk_widget_grab_focus (GTK_WIDGET (self->note_row));
}

static void
set_store (AdiuvaProjectPage *self,
           AdiuvaStore       *store)
{
  g_autoptr (AdiuvaTaskFilter) filter = adiuva_task_filter_new ();
  g_autoptr (GtkSliceListModel) slice = NULL;

  g_assert (self->store == NULL);

  self->store = g_object_ref (store);
  /* Until a project is shown, the list asks for an id no project has. */
  filter->project_id = G_MAXINT64;
  self->tasks = adiuva_task_list_model_new (store, filter);
  slice = gtk_slice_list_model_new (g_object_ref (G_LIST_MODEL (self->tasks)), 0, TASK_ROWS);
  gtk_list_box_bind_model (self->tasks_list, G_LIST_MODEL (slice), create_task_row_cb, self,
                           NULL);
  gtk_list_box_bind_model (self->checkpoints_list, G_LIST_MODEL (self->checkpoints),
                           create_checkpoint_row_cb, self, NULL);
  gtk_list_box_bind_model (self->notes_list, G_LIST_MODEL (self->notes), create_note_row_cb,
                           self, NULL);
  g_signal_connect_object (store, "changed", G_CALLBACK (store_changed_cb), self,
                           G_CONNECT_SWAPPED);
}

static void
adiuva_project_page_dispose (GObject *object)
{
  AdiuvaProjectPage *self = ADIUVA_PROJECT_PAGE (object);

  g_clear_handle_id (&self->reload_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), ADIUVA_TYPE_PROJECT_PAGE);
  g_clear_object (&self->tasks);
  g_clear_object (&self->checkpoints);
  g_clear_object (&self->notes);
  g_clear_object (&self->project);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (adiuva_project_page_parent_class)->dispose (object);
}

static void
adiuva_project_page_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  AdiuvaProjectPage *self = ADIUVA_PROJECT_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_PROJECT_ID:
      g_value_set_int64 (value, adiuva_project_page_get_project_id (self));
      break;
    case PROP_STATUS:
      g_value_set_string (value, self->project != NULL
                                     ? status_nick (adiuva_project_get_status (self->project))
                                     : "active");
      break;
    case PROP_COLOUR:
      g_value_set_string (value,
                          self->project != NULL ? adiuva_project_get_colour (self->project) : "");
      break;
    case PROP_ARCHIVED:
      g_value_set_boolean (value,
                           self->project != NULL && adiuva_project_get_archived (self->project));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
adiuva_project_page_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  AdiuvaProjectPage *self = ADIUVA_PROJECT_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      set_store (self, g_value_get_object (value));
      break;
    case PROP_PROJECT_ID:
      adiuva_project_page_set_project_id (self, g_value_get_int64 (value));
      break;
    case PROP_STATUS:
      set_status (self, g_value_get_string (value));
      break;
    case PROP_COLOUR:
      set_colour (self, g_value_get_string (value));
      break;
    case PROP_ARCHIVED:
      set_archived (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
adiuva_project_page_class_init (AdiuvaProjectPageClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = adiuva_project_page_dispose;
  object_class->get_property = adiuva_project_page_get_property;
  object_class->set_property = adiuva_project_page_set_property;

  /* Not construct-only: the Projects page's template makes this page before it has a store
   * to give it; it is set once. */
  properties[PROP_STORE] =
      g_param_spec_object ("store", NULL, NULL, ADIUVA_TYPE_STORE,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  /**
   * AdiuvaProjectPage:project-id:
   *
   * The project shown, 0 for none.
   */
  properties[PROP_PROJECT_ID] =
      g_param_spec_int64 ("project-id", NULL, NULL, 0, G_MAXINT64, 0,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * AdiuvaProjectPage:status:
   *
   * The project's status: `active`, `paused` or `completed`. Setting it saves it.
   */
  properties[PROP_STATUS] =
      g_param_spec_string ("status", NULL, NULL, "active",
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * AdiuvaProjectPage:colour:
   *
   * The project's colour, `#rrggbb`. Setting it saves it.
   */
  properties[PROP_COLOUR] =
      g_param_spec_string ("colour", NULL, NULL, "",
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * AdiuvaProjectPage:archived:
   *
   * Whether the project is archived. Setting it saves it, with an Undo toast.
   */
  properties[PROP_ARCHIVED] =
      g_param_spec_boolean ("archived", NULL, NULL, FALSE,
                            G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (ADIUVA_TYPE_COLOUR_DOT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/adiuva/Adiuva/adiuva-project-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AdiuvaProjectPage, box);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaProjectPage, back_button);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaProjectPage, colour_dot);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaProjectPage, name_label);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaProjectPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaProjectPage, archive_button);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaProjectPage, message_group);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaProjectPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaProjectPage, colours_box);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaProjectPage, all_tasks_button);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaProjectPage, task_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaProjectPage, tasks_list);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaProjectPage, checkpoint_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaProjectPage, checkpoints_list);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaProjectPage, note_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaProjectPage, notes_list);
  gtk_widget_class_bind_template_callback (widget_class, add_task_cb);
  gtk_widget_class_bind_template_callback (widget_class, add_checkpoint_cb);
  gtk_widget_class_bind_template_callback (widget_class, add_note_cb);
  gtk_widget_class_bind_template_callback (widget_class, task_activated_cb);

  gtk_widget_class_install_property_action (widget_class, "project.status", "status");
  gtk_widget_class_install_property_action (widget_class, "project.colour", "colour");
  gtk_widget_class_install_property_action (widget_class, "project.archived", "archived");
  gtk_widget_class_install_action (widget_class, "project.focus", "s", focus_action);
  gtk_widget_class_install_action (widget_class, "project.edit", NULL, edit_action);
  gtk_widget_class_install_action (widget_class, "project.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "project.new-checkpoint", NULL,
                                   new_checkpoint_action);
  gtk_widget_class_install_action (widget_class, "project.edit-checkpoint", "x",
                                   edit_checkpoint_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK,
                                       "project.focus", "s", "task");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_m, GDK_CONTROL_MASK,
                                       "project.focus", "s", "checkpoint");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n,
                                       GDK_CONTROL_MASK | GDK_SHIFT_MASK, "project.focus", "s",
                                       "note");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK,
                                       "project.archived", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F2, 0, "project.edit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_CONTROL_MASK | GDK_ALT_MASK,
                                       "project.status", "s", "active");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_2, GDK_CONTROL_MASK | GDK_ALT_MASK,
                                       "project.status", "s", "paused");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_3, GDK_CONTROL_MASK | GDK_ALT_MASK,
                                       "project.status", "s", "completed");

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
adiuva_project_page_init (AdiuvaProjectPage *self)
{
  self->checkpoints = g_list_store_new (ADIUVA_TYPE_CHECKPOINT);
  self->notes = g_list_store_new (ADIUVA_TYPE_NOTE);

  gtk_widget_init_template (GTK_WIDGET (self));
  adiuva_accessible_clean_mnemonic_names (GTK_WIDGET (self));
  adiuva_colour_palette_fill (self->colours_box, "project.colour");
  gtk_list_box_set_placeholder (self->tasks_list, create_placeholder (_ ("No open tasks.")));
  gtk_list_box_set_placeholder (self->checkpoints_list,
                                create_placeholder (_ ("No checkpoints yet.")));
  gtk_list_box_set_placeholder (self->notes_list, create_placeholder (_ ("No notes yet.")));
}

gint64
adiuva_project_page_get_project_id (AdiuvaProjectPage *self)
{
  g_return_val_if_fail (ADIUVA_IS_PROJECT_PAGE (self), 0);

  return self->project != NULL ? adiuva_record_get_id (ADIUVA_RECORD (self->project)) : 0;
}

/**
 * adiuva_project_page_set_project_id:
 * @project_id: a project, or 0 for none
 *
 * Shows a project. One that does not exist (any more) shows nothing and goes back.
 */
void
adiuva_project_page_set_project_id (AdiuvaProjectPage *self,
                                    gint64             project_id)
{
  g_autoptr (AdiuvaTaskFilter) filter = adiuva_task_filter_new ();
  g_autoptr (AdiuvaProject) project = NULL;
  g_autofree char *target = NULL;

  g_return_if_fail (ADIUVA_IS_PROJECT_PAGE (self));
  g_return_if_fail (self->store != NULL);

  if (project_id == adiuva_project_page_get_project_id (self))
    return;

  set_message (self, NULL);
  gtk_editable_set_text (self->task_row, "");
  gtk_editable_set_text (self->checkpoint_row, "");
  gtk_editable_set_text (self->note_row, "");
  g_clear_object (&self->project);
  if (project_id > 0)
    project = adiuva_store_get (self->store, ADIUVA_TYPE_PROJECT, project_id, NULL);
  self->project = g_steal_pointer (&project);

  filter->project_id = project_id;
  filter->parent_id = 0;
  filter->open_only = TRUE;
  /* Without a project the page is out of sight: its list can stay as it was. */
  if (project_id > 0)
    adiuva_task_list_model_set_filter (self->tasks, filter);
  target = g_strdup_printf ("%" G_GINT64_FORMAT, project_id);
  /* The action takes its target first: without one it would not match `win.show-project`. */
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->all_tasks_button), "s", target);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->all_tasks_button), "win.show-project");

  if (self->project != NULL)
    reload (self);
  else
    {
      splice_all (self->checkpoints, NULL);
      splice_all (self->notes, NULL);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROJECT_ID]);
}

const char *
_adiuva_project_page_get_message (AdiuvaProjectPage *self)
{
  return gtk_widget_get_visible (self->message_group) ? gtk_label_get_label (self->message_label)
                                                      : NULL;
}

GtkWidget *
_adiuva_project_page_get_back_button (AdiuvaProjectPage *self)
{
  return self->back_button;
}
