/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-task-details"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <string.h>

#include "adiuva-accessible.h"
#include "adiuva-format.h"
#include "adiuva-record-actions.h"
#include "adiuva-task-row.h"
#include "adiuva-task-details-private.h"

/* The pane beside the task list where one task is edited: title, start and due dates (in the
 * words quick add understands), how it repeats (“every 2 weeks on mon”), priority, tags,
 * subtasks, notes and comments. Each change is saved as it is made; the notes when the pane
 * closes or shows another task. A comment is edited in place (Enter saves, Escape cancels)
 * or deleted with an Undo. */
struct _AdiuvaTaskDetails
{
  GtkWidget parent_instance;

  AdiuvaStore *store;
  AdiuvaTask  *task;
  gboolean     loading;

  GtkWidget           *content;
  GtkEditable         *title_row;
  AdwActionRow        *due_row;
  GtkWidget           *clear_due_button;
  GtkEditable         *due_entry_row;
  AdwActionRow        *start_row;
  GtkWidget           *clear_start_button;
  GtkEditable         *start_entry_row;
  AdwActionRow        *recurrence_row;
  GtkWidget           *clear_recurrence_button;
  GtkEditable         *recurrence_entry_row;
  AdwComboRow         *priority_row;
  GtkEditable         *tags_row;
  GtkTextView         *notes_view;
  GtkListBox          *subtasks_list;
  GtkEditable         *subtask_row;
  AdiuvaTaskListModel *subtasks;
  GtkListBox          *comments_list;
  GtkEditable         *comment_row;
  GListStore          *comments;
  gint64               editing_comment_id;
  GtkLabel            *message_label;
};

G_DEFINE_FINAL_TYPE (AdiuvaTaskDetails, adiuva_task_details, GTK_TYPE_WIDGET)

static void
set_message (AdiuvaTaskDetails *self,
             const char        *message)
{
  gtk_label_set_label (self->message_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
}

static void
save (AdiuvaTaskDetails *self)
{
  g_autoptr (GError) error = NULL;

  if (!adiuva_store_update (self->store, ADIUVA_RECORD (self->task), &error))
    set_message (self, error->message);
  else
    set_message (self, NULL);
}

static void
show_date (AdwActionRow *row,
           GtkWidget    *clear_button,
           const char   *date,
           const char   *none)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *text = adiuva_format_floating_due (date, now);

  adw_action_row_set_subtitle (row, text != NULL ? text : none);
  gtk_widget_set_visible (clear_button, text != NULL);
}

static void
show_dates (AdiuvaTaskDetails *self)
{
  show_date (self->due_row, self->clear_due_button, adiuva_task_get_due (self->task),
             _ ("No due date"));
  show_date (self->start_row, self->clear_start_button, adiuva_task_get_start (self->task),
             _ ("No start date"));
}

static void
show_recurrence (AdiuvaTaskDetails *self)
{
  g_autofree char *text = NULL;

  if (adiuva_task_get_recurrence (self->task) != NULL)
    text = adiuva_recurrence_describe (adiuva_task_get_recurrence (self->task));

  adw_action_row_set_subtitle (self->recurrence_row, text != NULL ? text : _ ("Does not repeat"));
  gtk_widget_set_visible (self->clear_recurrence_button, text != NULL);
}

static void
title_apply_cb (AdiuvaTaskDetails *self)
{
  g_autofree char *title = g_strstrip (g_strdup (gtk_editable_get_text (self->title_row)));

  if (self->task == NULL)
    return;
  if (*title == '\0')
    {
      set_message (self, _ ("A task needs a title. The old one is back."));
      gtk_editable_set_text (self->title_row, adiuva_task_get_title (self->task));
      return;
    }

  adiuva_task_set_title (self->task, title);
  save (self);
}

/* A date typed in the words quick add understands, and nothing else. Returns the floating
 * date to store, "" to clear it, or %NULL when it is not a date. */
static char *
parse_date (AdiuvaTaskDetails *self,
            const char        *text)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  char            *date;

  if (*stripped == '\0')
    return g_strdup ("");

  date = adiuva_parse_date_words (stripped, now, TRUE);
  if (date == NULL)
    set_message (self, adiuva_date_words_hint ());

  return date;
}

static void
apply_date (AdiuvaTaskDetails *self,
            const char        *property,
            GtkEditable       *entry_row,
            const char        *text)
{
  g_autofree char *date = NULL;

  if (self->task == NULL || (date = parse_date (self, text)) == NULL)
    return;

  g_object_set (self->task, property, *date != '\0' ? date : NULL, NULL);
  save (self);
  show_dates (self);
  gtk_editable_set_text (entry_row, "");
}

void
_adiuva_task_details_apply_due (AdiuvaTaskDetails *self,
                                const char        *text)
{
  apply_date (self, "due", self->due_entry_row, text);
}

void
_adiuva_task_details_apply_start (AdiuvaTaskDetails *self,
                                  const char        *text)
{
  apply_date (self, "start", self->start_entry_row, text);
}

static void
due_apply_cb (AdiuvaTaskDetails *self)
{
  _adiuva_task_details_apply_due (self, gtk_editable_get_text (self->due_entry_row));
}

static void
clear_due_cb (AdiuvaTaskDetails *self)
{
  _adiuva_task_details_apply_due (self, "");
}

static void
start_apply_cb (AdiuvaTaskDetails *self)
{
  _adiuva_task_details_apply_start (self, gtk_editable_get_text (self->start_entry_row));
}

static void
clear_start_cb (AdiuvaTaskDetails *self)
{
  _adiuva_task_details_apply_start (self, "");
}

/* “every 2 weeks on mon”, “monthly”, “every weekday until 2027-01-31”, or a raw RRULE; empty
 * for no repeating. */
void
_adiuva_task_details_apply_recurrence (AdiuvaTaskDetails *self,
                                       const char        *text)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  g_autofree char *rule = NULL;
  g_autoptr (GError) error = NULL;

  if (self->task == NULL)
    return;

  if (*stripped != '\0' && (rule = adiuva_recurrence_from_text (stripped, &error)) == NULL)
    {
      /* Translators: %s says what was not understood */
      g_autofree char *message = g_strdup_printf (
          _ ("%s. Try “every 2 weeks on mon”, “every weekday” or “monthly”."), error->message);

      set_message (self, message);
      return;
    }

  adiuva_task_set_recurrence (self->task, rule);
  save (self);
  show_recurrence (self);
  gtk_editable_set_text (self->recurrence_entry_row, "");
}

static void
recurrence_apply_cb (AdiuvaTaskDetails *self)
{
  _adiuva_task_details_apply_recurrence (self, gtk_editable_get_text (self->recurrence_entry_row));
}

static void
clear_recurrence_cb (AdiuvaTaskDetails *self)
{
  _adiuva_task_details_apply_recurrence (self, "");
}

static void
priority_changed_cb (AdiuvaTaskDetails *self)
{
  if (self->task == NULL || self->loading)
    return;

  adiuva_task_set_priority (self->task, (int) adw_combo_row_get_selected (self->priority_row) + 1);
  save (self);
}

static void
tags_apply_cb (AdiuvaTaskDetails *self)
{
  g_auto (GStrv) words = NULL;
  g_autoptr (GPtrArray) tags = g_ptr_array_new ();

  if (self->task == NULL)
    return;

  words = g_strsplit_set (gtk_editable_get_text (self->tags_row), " ,", -1);
  for (guint i = 0; words[i] != NULL; i++)
    {
      const char *tag = words[i][0] == '@' ? words[i] + 1 : words[i];

      if (*tag != '\0')
        g_ptr_array_add (tags, (gpointer) tag);
    }
  g_ptr_array_add (tags, NULL);

  adiuva_task_set_tags (self->task, (const char *const *) tags->pdata);
  save (self);
}

/* A subtask is typed like a quick-add line and goes to its parent's project. */
void
_adiuva_task_details_add_subtask (AdiuvaTaskDetails *self,
                                  const char        *text)
{
  g_autoptr (AdiuvaTask) subtask = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  if (self->task == NULL || *stripped == '\0')
    return;

  subtask = adiuva_store_task_from_text (self->store, stripped, NULL,
                                         adiuva_task_get_project_id (self->task), &error);
  if (subtask != NULL)
    adiuva_task_set_parent_id (subtask, adiuva_record_get_id (ADIUVA_RECORD (self->task)));
  if (subtask == NULL || !adiuva_store_add (self->store, ADIUVA_RECORD (subtask), &error))
    {
      set_message (self, error->message);
      return;
    }

  set_message (self, NULL);
  gtk_editable_set_text (self->subtask_row, "");
}

static void
subtask_apply_cb (AdiuvaTaskDetails *self)
{
  _adiuva_task_details_add_subtask (self, gtk_editable_get_text (self->subtask_row));
}

static GtkWidget *
create_subtask_row_cb (gpointer item,
                       gpointer user_data)
{
  AdiuvaTaskDetails *self = user_data;
  GtkWidget         *row = gtk_list_box_row_new ();
  GtkWidget         *task_row = adiuva_task_row_new (self->store);

  adiuva_task_row_set_task (ADIUVA_TASK_ROW (task_row), item);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), task_row);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);

  return row;
}

static void
show_subtasks_list_cb (AdiuvaTaskDetails *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->subtasks_list),
                          g_list_model_get_n_items (G_LIST_MODEL (self->subtasks)) > 0);
}

static void
show_subtasks (AdiuvaTaskDetails *self)
{
  g_autoptr (AdiuvaTaskFilter) filter = adiuva_task_filter_new ();

  g_clear_object (&self->subtasks);
  if (self->task == NULL)
    {
      gtk_list_box_bind_model (self->subtasks_list, NULL, NULL, NULL, NULL);
      return;
    }

  filter->parent_id = adiuva_record_get_id (ADIUVA_RECORD (self->task));
  self->subtasks = adiuva_task_list_model_new (self->store, filter);
  gtk_list_box_bind_model (self->subtasks_list, G_LIST_MODEL (self->subtasks),
                           create_subtask_row_cb, self, NULL);
  show_subtasks_list_cb (self);
  g_signal_connect_object (self->subtasks, "notify::n-items", G_CALLBACK (show_subtasks_list_cb),
                           self, G_CONNECT_SWAPPED);
}

/* Comments */

static GtkWidget *
comment_button (const char *icon_name,
                const char *label,
                const char *action_name,
                gint64      comment_id)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action_name);
  if (comment_id != 0)
    gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "x", comment_id);

  return button;
}

static void
comment_edit_activated_cb (AdwEntryRow       *row,
                           AdiuvaTaskDetails *self)
{
  _adiuva_task_details_save_comment_edit (self, gtk_editable_get_text (GTK_EDITABLE (row)));
}

static GtkWidget *
create_comment_edit_row (AdiuvaTaskDetails *self,
                         AdiuvaTaskComment *comment)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _ ("Edit comment"));
  gtk_editable_set_text (GTK_EDITABLE (row), adiuva_task_comment_get_body (comment));
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (row),
                            comment_button ("object-select-symbolic", _ ("Save Comment"),
                                            "comment.save-edit", 0));
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (row),
                            comment_button ("window-close-symbolic", _ ("Cancel Editing"),
                                            "comment.cancel-edit", 0));
  g_signal_connect_object (row, "entry-activated", G_CALLBACK (comment_edit_activated_cb), self,
                           0);

  return row;
}

static GtkWidget *
create_comment_row_cb (gpointer item,
                       gpointer user_data)
{
  AdiuvaTaskDetails *self = user_data;
  AdiuvaTaskComment *comment = item;
  gint64             id = adiuva_record_get_id (ADIUVA_RECORD (comment));
  GtkWidget         *row;
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (GDateTime) created = NULL;
  g_autofree char *when = NULL;
  gint64           created_at;

  if (id == self->editing_comment_id)
    return create_comment_edit_row (self, comment);

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), adiuva_task_comment_get_body (comment));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  created_at = adiuva_record_get_created_at (ADIUVA_RECORD (comment));
  created = g_date_time_new_from_unix_local (created_at);
  if (created != NULL)
    when = adiuva_format_due (created, TRUE, now);
  if (when != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), when);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             comment_button ("document-edit-symbolic", _ ("Edit Comment"),
                                             "comment.edit", id));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             comment_button ("user-trash-symbolic", _ ("Delete Comment"),
                                             "comment.delete", id));

  return row;
}

static void
load_comments (AdiuvaTaskDetails *self)
{
  g_autoptr (GListModel) comments = NULL;
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GError) error = NULL;

  if (self->task != NULL)
    {
      comments = adiuva_store_list_task_comments (
          self->store, adiuva_record_get_id (ADIUVA_RECORD (self->task)), &error);
      if (comments == NULL)
        set_message (self, error->message);
    }
  for (guint i = 0; comments != NULL && i < g_list_model_get_n_items (comments); i++)
    g_ptr_array_add (items, g_list_model_get_item (comments, i));

  g_list_store_splice (self->comments, 0, g_list_model_get_n_items (G_LIST_MODEL (self->comments)),
                       items->pdata, items->len);
  gtk_widget_set_visible (GTK_WIDGET (self->comments_list), items->len > 0);
}

/* Where the comment is in the list, or -1. */
static int
find_comment (AdiuvaTaskDetails  *self,
              gint64              comment_id,
              AdiuvaTaskComment **comment)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->comments)); i++)
    {
      g_autoptr (AdiuvaTaskComment) item = g_list_model_get_item (G_LIST_MODEL (self->comments),
                                                                  i);

      if (adiuva_record_get_id (ADIUVA_RECORD (item)) == comment_id)
        {
          if (comment != NULL)
            *comment = g_steal_pointer (&item);
          return (int) i;
        }
    }

  return -1;
}

/* Escape and the editor's buttons mean something only while a comment is edited; otherwise
 * Escape goes on to close the pane. */
static void
set_editing (AdiuvaTaskDetails *self,
             gint64             comment_id)
{
  self->editing_comment_id = comment_id;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "comment.cancel-edit", comment_id != 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "comment.save-edit", comment_id != 0);
}

/* The rows are made again with the editor in or out; the keyboard stays on that comment (or
 * goes to the line that adds one when the comment is gone). */
static void
show_comments_focusing (AdiuvaTaskDetails *self,
                        gint64             comment_id)
{
  GtkListBoxRow *row = NULL;
  int            position;

  load_comments (self);
  position = find_comment (self, comment_id, NULL);
  if (position >= 0)
    row = gtk_list_box_get_row_at_index (self->comments_list, position);
  gtk_widget_grab_focus (row != NULL ? GTK_WIDGET (row) : GTK_WIDGET (self->comment_row));
}

void
_adiuva_task_details_edit_comment (AdiuvaTaskDetails *self,
                                   gint64             comment_id)
{
  if (find_comment (self, comment_id, NULL) < 0)
    return;

  set_message (self, NULL);
  set_editing (self, comment_id);
  show_comments_focusing (self, comment_id);
}

static void
stop_editing (AdiuvaTaskDetails *self)
{
  gint64 comment_id = self->editing_comment_id;

  set_editing (self, 0);
  show_comments_focusing (self, comment_id);
}

/* Enter in the comment being edited: saved, or the editor stays with what was typed and says
 * why. */
void
_adiuva_task_details_save_comment_edit (AdiuvaTaskDetails *self,
                                        const char        *text)
{
  g_autoptr (AdiuvaTaskComment) comment = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  if (self->editing_comment_id == 0 || find_comment (self, self->editing_comment_id, &comment) < 0)
    return;

  if (*stripped == '\0')
    {
      set_message (self, _ ("A comment cannot be empty. To remove it, delete it."));
      return;
    }

  if (g_strcmp0 (stripped, adiuva_task_comment_get_body (comment)) != 0)
    {
      adiuva_task_comment_set_body (comment, stripped);
      if (!adiuva_store_update (self->store, ADIUVA_RECORD (comment), &error))
        {
          set_message (self, error->message);
          return;
        }
    }

  set_message (self, NULL);
  stop_editing (self);
}

static void
edit_comment_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  _adiuva_task_details_edit_comment (ADIUVA_TASK_DETAILS (widget), g_variant_get_int64 (parameter));
}

static void
save_comment_edit_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  AdiuvaTaskDetails *self = ADIUVA_TASK_DETAILS (widget);
  int                position = find_comment (self, self->editing_comment_id, NULL);
  GtkListBoxRow     *row = NULL;

  if (position >= 0)
    row = gtk_list_box_get_row_at_index (self->comments_list, position);
  if (ADW_IS_ENTRY_ROW (row))
    _adiuva_task_details_save_comment_edit (self, gtk_editable_get_text (GTK_EDITABLE (row)));
}

static void
cancel_comment_edit_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  AdiuvaTaskDetails *self = ADIUVA_TASK_DETAILS (widget);

  set_message (self, NULL);
  stop_editing (self);
}

/* A comment in the toast: its first line, cut short. */
static char *
dup_comment_excerpt (AdiuvaTaskComment *comment)
{
  const char      *body = adiuva_task_comment_get_body (comment);
  g_autofree char *line = g_strndup (body, strcspn (body, "\n"));
  g_autofree char *start = NULL;

  if (g_utf8_strlen (line, -1) <= 40)
    return g_steal_pointer (&line);

  start = g_utf8_substring (line, 0, 39);
  return g_strconcat (start, "…", NULL);
}

static void
delete_comment_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  AdiuvaTaskDetails *self = ADIUVA_TASK_DETAILS (widget);
  g_autoptr (AdiuvaTaskComment) comment = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *excerpt = NULL;
  gint64           comment_id = g_variant_get_int64 (parameter);
  int              position = find_comment (self, comment_id, &comment);
  gint64           next_id = 0;

  if (position < 0)
    return;

  /* The keyboard goes on to the comment that takes its place. */
  if ((guint) position + 1 < g_list_model_get_n_items (G_LIST_MODEL (self->comments)))
    {
      g_autoptr (AdiuvaTaskComment) next =
          g_list_model_get_item (G_LIST_MODEL (self->comments), position + 1);

      next_id = adiuva_record_get_id (ADIUVA_RECORD (next));
    }

  if (self->editing_comment_id == comment_id)
    set_editing (self, 0);
  excerpt = dup_comment_excerpt (comment);
  if (!adiuva_record_delete_with_undo (widget, self->store, ADIUVA_RECORD (comment), excerpt,
                                       &error))
    {
      set_message (self, error->message);
      return;
    }

  show_comments_focusing (self, next_id);
}

static void
store_changed_cb (AdiuvaTaskDetails *self,
                  AdiuvaEntity       entity,
                  gint64             id,
                  AdiuvaChange       change,
                  AdiuvaStore       *store)
{
  if (entity == ADIUVA_ENTITY_TASK_COMMENT)
    load_comments (self);
}

void
_adiuva_task_details_add_comment (AdiuvaTaskDetails *self,
                                  const char        *text)
{
  g_autoptr (AdiuvaTaskComment) comment = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  if (self->task == NULL || *stripped == '\0')
    return;

  comment = adiuva_task_comment_new ();
  adiuva_task_comment_set_task_id (comment, adiuva_record_get_id (ADIUVA_RECORD (self->task)));
  adiuva_task_comment_set_body (comment, stripped);
  if (!adiuva_store_add (self->store, ADIUVA_RECORD (comment), &error))
    {
      /* The text stays in the field, to try again. */
      set_message (self, error->message);
      return;
    }

  set_message (self, NULL);
  gtk_editable_set_text (self->comment_row, "");
}

static void
comment_apply_cb (AdiuvaTaskDetails *self)
{
  _adiuva_task_details_add_comment (self, gtk_editable_get_text (self->comment_row));
}

static char *
dup_notes (AdiuvaTaskDetails *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->notes_view);
  GtkTextIter    start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);

  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* Notes are saved when they are left, not on every key. */
void
adiuva_task_details_save_notes (AdiuvaTaskDetails *self)
{
  g_autofree char *notes = NULL;

  g_return_if_fail (ADIUVA_IS_TASK_DETAILS (self));

  if (self->task == NULL)
    return;

  notes = dup_notes (self);
  if (g_strcmp0 (notes, adiuva_task_get_notes (self->task) != NULL
                            ? adiuva_task_get_notes (self->task)
                            : "") == 0)
    return;

  adiuva_task_set_notes (self->task, *notes != '\0' ? notes : NULL);
  save (self);
}

static void
adiuva_task_details_dispose (GObject *object)
{
  AdiuvaTaskDetails *self = ADIUVA_TASK_DETAILS (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), ADIUVA_TYPE_TASK_DETAILS);
  g_clear_object (&self->subtasks);
  g_clear_object (&self->comments);
  g_clear_object (&self->task);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (adiuva_task_details_parent_class)->dispose (object);
}

static void
adiuva_task_details_class_init (AdiuvaTaskDetailsClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = adiuva_task_details_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/adiuva/Adiuva/adiuva-task-details.ui");
  gtk_widget_class_bind_template_child (widget_class, AdiuvaTaskDetails, content);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaTaskDetails, title_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaTaskDetails, due_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaTaskDetails, clear_due_button);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaTaskDetails, due_entry_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaTaskDetails, start_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaTaskDetails, clear_start_button);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaTaskDetails, start_entry_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaTaskDetails, recurrence_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaTaskDetails, clear_recurrence_button);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaTaskDetails, recurrence_entry_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaTaskDetails, comments_list);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaTaskDetails, comment_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaTaskDetails, priority_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaTaskDetails, tags_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaTaskDetails, notes_view);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaTaskDetails, subtasks_list);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaTaskDetails, subtask_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaTaskDetails, message_label);
  gtk_widget_class_bind_template_callback (widget_class, title_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, due_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, clear_due_cb);
  gtk_widget_class_bind_template_callback (widget_class, start_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, clear_start_cb);
  gtk_widget_class_bind_template_callback (widget_class, recurrence_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, clear_recurrence_cb);
  gtk_widget_class_bind_template_callback (widget_class, comment_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, priority_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, tags_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, subtask_apply_cb);

  gtk_widget_class_install_action (widget_class, "comment.edit", "x", edit_comment_action);
  gtk_widget_class_install_action (widget_class, "comment.save-edit", NULL,
                                   save_comment_edit_action);
  gtk_widget_class_install_action (widget_class, "comment.cancel-edit", NULL,
                                   cancel_comment_edit_action);
  gtk_widget_class_install_action (widget_class, "comment.delete", "x", delete_comment_action);
  /* Before the Tasks page's Escape, which closes the pane: only while a comment is edited. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "comment.cancel-edit",
                                       NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "taskdetails");
}

static void
adiuva_task_details_init (AdiuvaTaskDetails *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  adiuva_accessible_clean_mnemonic_names (GTK_WIDGET (self));
  /* The rows of the untitled first group are in a list of libadwaita's own, which GTK 4.8
   * names by its type: Orca said “GtkListBox, list with 3 items” on the way to Due. */
  gtk_accessible_update_property (
      GTK_ACCESSIBLE (gtk_widget_get_ancestor (GTK_WIDGET (self->title_row), GTK_TYPE_LIST_BOX)),
      GTK_ACCESSIBLE_PROPERTY_LABEL, _ ("Details"), -1);
  self->comments = g_list_store_new (ADIUVA_TYPE_TASK_COMMENT);
  set_editing (self, 0);
  gtk_list_box_bind_model (self->comments_list, G_LIST_MODEL (self->comments),
                           create_comment_row_cb, self, NULL);
}

AdiuvaTask *
adiuva_task_details_get_task (AdiuvaTaskDetails *self)
{
  g_return_val_if_fail (ADIUVA_IS_TASK_DETAILS (self), NULL);

  return self->task;
}

/**
 * adiuva_task_details_set_task:
 * @task: (nullable): the task to edit; the pane keeps its own reference and saves through
 *   @store
 *
 * Shows @task, after saving the notes of the one shown before.
 */
void
adiuva_task_details_set_task (AdiuvaTaskDetails *self,
                              AdiuvaStore       *store,
                              AdiuvaTask        *task)
{
  g_autofree char   *tags = NULL;
  const char *const *tag_names;
  const char        *notes;

  g_return_if_fail (ADIUVA_IS_TASK_DETAILS (self));
  g_return_if_fail (ADIUVA_IS_STORE (store));
  g_return_if_fail (task == NULL || ADIUVA_IS_TASK (task));

  adiuva_task_details_save_notes (self);
  if (self->store != store)
    {
      if (self->store != NULL)
        g_signal_handlers_disconnect_by_func (self->store, store_changed_cb, self);
      g_set_object (&self->store, store);
      g_signal_connect_object (store, "changed", G_CALLBACK (store_changed_cb), self,
                               G_CONNECT_SWAPPED);
    }
  g_set_object (&self->task, task);
  set_editing (self, 0);
  set_message (self, NULL);
  show_subtasks (self);
  load_comments (self);
  if (task == NULL)
    return;

  self->loading = TRUE;
  gtk_editable_set_text (self->title_row, adiuva_task_get_title (task));
  show_dates (self);
  show_recurrence (self);
  gtk_editable_set_text (self->due_entry_row, "");
  gtk_editable_set_text (self->start_entry_row, "");
  gtk_editable_set_text (self->recurrence_entry_row, "");
  adw_combo_row_set_selected (self->priority_row, (guint) adiuva_task_get_priority (task) - 1);
  tag_names = adiuva_task_get_tags (task);
  tags = tag_names != NULL ? g_strjoinv (" ", (char **) tag_names) : g_strdup ("");
  gtk_editable_set_text (self->tags_row, tags);
  notes = adiuva_task_get_notes (task);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->notes_view),
                            notes != NULL ? notes : "", -1);
  self->loading = FALSE;
}

void
_adiuva_task_details_set_notes (AdiuvaTaskDetails *self,
                                const char        *notes)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->notes_view), notes, -1);
}

const char *
_adiuva_task_details_get_message (AdiuvaTaskDetails *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->message_label))
             ? gtk_label_get_label (self->message_label)
             : NULL;
}

GListModel *
_adiuva_task_details_get_subtasks (AdiuvaTaskDetails *self)
{
  return G_LIST_MODEL (self->subtasks);
}

GListModel *
_adiuva_task_details_get_comments (AdiuvaTaskDetails *self)
{
  return G_LIST_MODEL (self->comments);
}
