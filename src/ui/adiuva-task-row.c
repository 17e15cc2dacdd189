/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-task-row"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "adiuva-accessible.h"
#include "adiuva-format.h"
#include "adiuva-record-actions.h"
#include "adiuva-task-row-private.h"

/* One task in a list: a check button that completes it in one click, its title, and a quiet
 * line of what else there is to know (when, how urgent, where, tags). */
struct _AdiuvaTaskRow
{
  GtkWidget parent_instance;

  AdiuvaStore *store;
  AdiuvaTask  *task;

  GtkCheckButton *check;
  GtkWidget      *text_box;
  GtkWidget      *meta_box;
  GtkWidget      *suggestion_box; /* and suggested_image: NULL until a suggestion is shown */
  GtkInscription *title_label;
  GtkImage       *suggested_image;
  GtkLabel       *due_label;
  GtkLabel       *priority_label;
  GtkInscription *details; /* project, open subtasks, tags */
};

G_DEFINE_FINAL_TYPE (AdiuvaTaskRow, adiuva_task_row, GTK_TYPE_WIDGET)

/* What to put back when a completion is undone. */
static void
complete (AdiuvaTaskRow *self)
{
  g_autoptr (GPtrArray) tasks = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GError) error = NULL;

  g_ptr_array_add (tasks, g_object_ref (self->task));
  if (!adiuva_tasks_complete_with_undo (GTK_WIDGET (self), self->store, tasks, &error))
    adiuva_toast_show_error (GTK_WIDGET (self), error);
}

static void
check_toggled_cb (AdiuvaTaskRow  *self,
                  GtkCheckButton *check)
{
  g_autoptr (GError) error = NULL;
  gboolean active = gtk_check_button_get_active (check);

  if (self->task == NULL ||
      active == (adiuva_task_get_status (self->task) == ADIUVA_TASK_STATUS_DONE))
    return;

  if (active)
    complete (self);
  else if (!adiuva_task_reopen (self->store, self->task, &error))
    adiuva_toast_show_error (GTK_WIDGET (self), error);
}

static void
set_meta (GtkLabel   *label,
          const char *text)
{
  gtk_label_set_label (label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL && *text != '\0');
}

/* Its width is its number of characters (in the font's average width), so the row is measured
 * without laying the text out; it is laid out once, ellipsized to the space it gets. */
static void
set_details (AdiuvaTaskRow *self,
             GPtrArray     *details)
{
  g_autofree char *text = NULL;

  g_ptr_array_add (details, NULL);
  /* Translators: between the project, the count of open subtasks and the tags of a task */
  text = g_strjoinv (_ (" · "), (char **) details->pdata);
  g_ptr_array_remove_index (details, details->len - 1);
  gtk_inscription_set_text (self->details, text);
  gtk_inscription_set_nat_chars (self->details, g_utf8_strlen (text, -1));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->details), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  text, -1);
  gtk_widget_set_visible (GTK_WIDGET (self->details), details->len > 0);
}

static void
project_changed_cb (AdiuvaStore *store,
                    AdiuvaEntity entity,
                    gint64       id,
                    AdiuvaChange change,
                    GHashTable  *names)
{
  if (entity == ADIUVA_ENTITY_PROJECT)
    g_hash_table_remove_all (names);
}

/* Project names by id, shared by every row of @store: a list scrolled through thousands of
 * tasks names a few projects, and reads each once. Any change to a project forgets them. */
static GHashTable *
project_names (AdiuvaStore *store)
{
  GHashTable *names = g_object_get_data (G_OBJECT (store), "adiuva-task-row-project-names");

  if (names == NULL)
    {
      names = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
      g_object_set_data_full (G_OBJECT (store), "adiuva-task-row-project-names", names,
                              (GDestroyNotify) g_hash_table_unref);
      g_signal_connect (store, "changed", G_CALLBACK (project_changed_cb), names);
    }

  return names;
}

static const char *
get_project_name (AdiuvaTaskRow *self)
{
  GHashTable *names;
  gint64      project_id = adiuva_task_get_project_id (self->task);
  gpointer    name;

  if (project_id <= 0)
    return NULL;

  names = project_names (self->store);
  if (!g_hash_table_lookup_extended (names, &project_id, NULL, &name))
    {
      g_autoptr (AdiuvaProject) project = NULL;

      project = adiuva_store_get (self->store, ADIUVA_TYPE_PROJECT, project_id, NULL);
      name = project != NULL ? g_strdup (adiuva_project_get_name (project)) : NULL;
      g_hash_table_insert (names, g_memdup2 (&project_id, sizeof project_id), name);
    }

  return name;
}

static char *
dup_subtasks_text (AdiuvaTaskRow *self)
{
  g_autoptr (AdiuvaTaskFilter) filter = adiuva_task_filter_new ();
  g_autofree char *count = NULL;
  guint            n_open;

  filter->parent_id = adiuva_record_get_id (ADIUVA_RECORD (self->task));
  filter->open_only = TRUE;
  /* Each row shown counts: no list model, which would also follow the store's changes. */
  n_open = adiuva_store_count_tasks (self->store, filter, NULL);
  if (n_open == 0)
    return NULL;

  count = g_strdup_printf ("%u", n_open);
  /* Translators: %s is a number of subtasks still to do */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s subtask", "%s subtasks", n_open),
                          count);
}

/* Few tasks are suggestions, and a list builds many rows: their marks and buttons are made
 * when a row first shows one. */
static void
add_suggestion_widgets (AdiuvaTaskRow *self)
{
  GtkWidget *approve = gtk_button_new_with_mnemonic (_ ("_Approve"));
  GtkWidget *dismiss = gtk_button_new_with_mnemonic (_ ("_Dismiss"));

  self->suggested_image = GTK_IMAGE (gtk_image_new_from_icon_name ("adiuva-sparkles-symbolic"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->suggested_image),
                               _ ("Suggested by the assistant, not approved yet"));
  gtk_box_prepend (GTK_BOX (self->meta_box), GTK_WIDGET (self->suggested_image));

  gtk_actionable_set_action_name (GTK_ACTIONABLE (approve), "task.approve");
  gtk_widget_set_tooltip_text (approve, _ ("Keep this suggestion as a task of yours"));
  gtk_widget_add_css_class (approve, "suggested-action");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (dismiss), "task.dismiss");
  gtk_widget_set_tooltip_text (dismiss, _ ("Delete this suggestion"));
  gtk_widget_add_css_class (dismiss, "flat");

  self->suggestion_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_valign (self->suggestion_box, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (self->suggestion_box), approve);
  gtk_box_append (GTK_BOX (self->suggestion_box), dismiss);
  adiuva_accessible_clean_mnemonic_names (self->suggestion_box);
  gtk_widget_set_parent (self->suggestion_box, GTK_WIDGET (self));
}

/* A list cell is read by what its row is named (Orca 43 reads a GtkGridView cell as the names of
 * its children, not their descriptions): the row's name says all that its labels show, the
 * suggestion's mark and whether the task is done, as one line. */
static void
update_accessible_label (AdiuvaTaskRow *self,
                         gboolean       done,
                         gboolean       suggested,
                         GPtrArray     *details)
{
  g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *label = NULL;

  g_ptr_array_add (parts, g_strdup (adiuva_task_get_title (self->task)));
  if (suggested)
    g_ptr_array_add (parts, g_strdup (_ ("suggested by the assistant, not approved yet")));
  g_ptr_array_add (parts, g_strdup (done ? _ ("done") : _ ("not done")));
  if (gtk_widget_get_visible (GTK_WIDGET (self->due_label)))
    /* Translators: said by screen readers in a task's row; %s is when, e.g. “Tomorrow” */
    g_ptr_array_add (parts, g_strdup_printf (_ ("due %s"), gtk_label_get_label (self->due_label)));
  if (gtk_widget_get_visible (GTK_WIDGET (self->priority_label)))
    g_ptr_array_add (parts, g_strdup (gtk_label_get_label (self->priority_label)));
  for (guint i = 0; i < details->len; i++)
    g_ptr_array_add (parts, g_strdup (g_ptr_array_index (details, i)));
  g_ptr_array_add (parts, NULL);

  /* Translators: the separator of the parts of a task's row, as screen readers say it */
  label = g_strjoinv (_ (", "), (char **) parts->pdata);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static void
update (AdiuvaTaskRow *self)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char   *due = NULL;
  g_autofree char   *priority = NULL;
  g_autofree char   *subtasks = NULL;
  const char        *project;
  const char *const *tag_names;
  g_autoptr (GPtrArray) details = g_ptr_array_new_with_free_func (g_free);
  gboolean done, suggested;
  int      level;

  for (int i = 1; i <= 3; i++)
    {
      g_autofree char *css_class = g_strdup_printf ("priority-%d", i);

      gtk_widget_remove_css_class (GTK_WIDGET (self->priority_label), css_class);
    }

  if (self->task == NULL)
    return;

  done = adiuva_task_get_status (self->task) == ADIUVA_TASK_STATUS_DONE;
  suggested = adiuva_task_get_is_ai_suggested (self->task) &&
              !adiuva_task_get_is_approved (self->task);

  g_signal_handlers_block_by_func (self->check, check_toggled_cb, self);
  gtk_check_button_set_active (self->check, done);
  g_signal_handlers_unblock_by_func (self->check, check_toggled_cb, self);

  gtk_inscription_set_text (self->title_label, adiuva_task_get_title (self->task));
  /* A screen reader says which task the check button completes. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  adiuva_task_get_title (self->task), -1);
  if (done)
    gtk_widget_add_css_class (GTK_WIDGET (self), "done");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "done");
  if (suggested)
    gtk_widget_add_css_class (GTK_WIDGET (self), "suggested");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "suggested");
  if (suggested && self->suggestion_box == NULL)
    add_suggestion_widgets (self);
  if (self->suggestion_box != NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->suggested_image), suggested);
      gtk_widget_set_visible (self->suggestion_box, suggested);
    }

  due = adiuva_format_floating_due (adiuva_task_get_due (self->task), now);
  set_meta (self->due_label, due);
  if (!done && adiuva_floating_due_is_overdue (adiuva_task_get_due (self->task), now))
    gtk_widget_add_css_class (GTK_WIDGET (self->due_label), "overdue");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->due_label), "overdue");

  /* 4 is the default, “no particular priority”: only the raised ones are worth a label. */
  level = adiuva_task_get_priority (self->task);
  if (level >= 1 && level <= 3)
    {
      g_autofree char *css_class = g_strdup_printf ("priority-%d", level);

      /* Translators: a short priority, “P1” (highest) to “P4”; %d is the number */
      priority = g_strdup_printf (_ ("P%d"), level);
      gtk_widget_add_css_class (GTK_WIDGET (self->priority_label), css_class);
    }
  set_meta (self->priority_label, priority);

  project = get_project_name (self);
  if (project != NULL)
    g_ptr_array_add (details, g_strdup (project));
  subtasks = dup_subtasks_text (self);
  if (subtasks != NULL)
    g_ptr_array_add (details, g_steal_pointer (&subtasks));
  tag_names = adiuva_task_get_tags (self->task);
  if (tag_names != NULL && tag_names[0] != NULL)
    {
      g_autoptr (GString) tags = g_string_new (NULL);

      for (guint i = 0; tag_names[i] != NULL; i++)
        g_string_append_printf (tags, "%s@%s", i > 0 ? " " : "", tag_names[i]);
      g_ptr_array_add (details, g_string_free (g_steal_pointer (&tags), FALSE));
    }
  set_details (self, details);
  update_accessible_label (self, done, suggested, details);
}

static void
approve_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  AdiuvaTaskRow *self = ADIUVA_TASK_ROW (widget);
  g_autoptr (GError) error = NULL;

  if (self->task != NULL &&
      !adiuva_record_approve (self->store, ADIUVA_RECORD (self->task), &error))
    adiuva_toast_show_error (widget, error);
}

static void
dismiss_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  AdiuvaTaskRow *self = ADIUVA_TASK_ROW (widget);
  g_autoptr (AdiuvaTask) task = NULL;
  g_autoptr (GError) error = NULL;

  if (self->task == NULL)
    return;

  /* The row may be unbound as the list reloads; keep the task for the toast. */
  task = g_object_ref (self->task);
  if (!adiuva_record_delete_with_undo (widget, self->store, ADIUVA_RECORD (task),
                                       adiuva_task_get_title (task), &error))
    adiuva_toast_show_error (widget, error);
}

static void
adiuva_task_row_dispose (GObject *object)
{
  AdiuvaTaskRow *self = ADIUVA_TASK_ROW (object);
  GtkWidget     *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->task);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (adiuva_task_row_parent_class)->dispose (object);
}

static void
adiuva_task_row_class_init (AdiuvaTaskRowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = adiuva_task_row_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_install_action (widget_class, "task.approve", NULL, approve_action);
  gtk_widget_class_install_action (widget_class, "task.dismiss", NULL, dismiss_action);

  gtk_widget_class_set_css_name (widget_class, "taskrow");
}

static GtkLabel *
add_meta_label (AdiuvaTaskRow *self,
                const char    *css_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_widget_set_visible (label, FALSE);
  gtk_widget_add_css_class (label, css_class);
  gtk_box_append (GTK_BOX (self->meta_box), label);

  return GTK_LABEL (label);
}

static void
adiuva_task_row_init (AdiuvaTaskRow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);

  /* Built in code, not from a template: a list makes a row for each task on screen, and
   * GtkBuilder's per-instance work showed in start-up and scrolling profiles. */
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (widget)), 12);

  self->check = GTK_CHECK_BUTTON (gtk_check_button_new ());
  gtk_widget_set_valign (GTK_WIDGET (self->check), GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->check), _ ("Mark as done"));
  gtk_widget_add_css_class (GTK_WIDGET (self->check), "selection-mode");
  g_signal_connect_swapped (self->check, "toggled", G_CALLBACK (check_toggled_cb), self);
  gtk_widget_set_parent (GTK_WIDGET (self->check), widget);

  self->text_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_valign (self->text_box, GTK_ALIGN_CENTER);
  gtk_widget_set_hexpand (self->text_box, TRUE);
  gtk_widget_set_parent (self->text_box, widget);

  /* One line, as long lists show titles; the details pane shows all of it. A GtkInscription,
   * not a label: its size comes from the font, not the text, so a row bound to another task
   * lays its title out once, when drawn. An ellipsized label laid it out three times (its
   * natural and minimum widths, then its width), which dropped frames of a fast scroll
   * (bench-app's scroll to the end). The check button says the title to screen readers. */
  self->title_label = GTK_INSCRIPTION (gtk_inscription_new (NULL));
  gtk_inscription_set_xalign (self->title_label, 0);
  gtk_inscription_set_min_chars (self->title_label, 1);
  gtk_inscription_set_nat_chars (self->title_label, 40);
  gtk_inscription_set_text_overflow (self->title_label, GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_widget_add_css_class (GTK_WIDGET (self->title_label), "title");
  gtk_box_append (GTK_BOX (self->text_box), GTK_WIDGET (self->title_label));

  self->meta_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  gtk_widget_add_css_class (self->meta_box, "meta");
  gtk_box_append (GTK_BOX (self->text_box), self->meta_box);

  self->due_label = add_meta_label (self, "due");
  self->priority_label = add_meta_label (self, "priority");
  /* One inscription, not a label each: a fast scroll rebinds and measures every row each
   * frame, and an ellipsized label lays its text out three times where this does once. */
  self->details = GTK_INSCRIPTION (gtk_inscription_new (NULL));
  gtk_inscription_set_xalign (self->details, 0);
  gtk_inscription_set_min_chars (self->details, 1);
  gtk_inscription_set_text_overflow (self->details, GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_widget_set_hexpand (GTK_WIDGET (self->details), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->details), FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self->details), "details");
  gtk_box_append (GTK_BOX (self->meta_box), GTK_WIDGET (self->details));
}

GtkWidget *
adiuva_task_row_new (AdiuvaStore *store)
{
  AdiuvaTaskRow *self;

  g_return_val_if_fail (ADIUVA_IS_STORE (store), NULL);

  self = g_object_new (ADIUVA_TYPE_TASK_ROW, NULL);
  self->store = g_object_ref (store);

  return GTK_WIDGET (self);
}

AdiuvaTask *
adiuva_task_row_get_task (AdiuvaTaskRow *self)
{
  g_return_val_if_fail (ADIUVA_IS_TASK_ROW (self), NULL);

  return self->task;
}

void
adiuva_task_row_set_task (AdiuvaTaskRow *self,
                          AdiuvaTask    *task)
{
  g_return_if_fail (ADIUVA_IS_TASK_ROW (self));
  g_return_if_fail (task == NULL || ADIUVA_IS_TASK (task));

  g_set_object (&self->task, task);
  update (self);
}

GtkCheckButton *
_adiuva_task_row_get_check (AdiuvaTaskRow *self)
{
  return self->check;
}

const char *
_adiuva_task_row_get_title (AdiuvaTaskRow *self)
{
  return gtk_inscription_get_text (self->title_label);
}

/* What the quiet line says after the date and priority: project, open subtasks, tags */
const char *
_adiuva_task_row_get_details (AdiuvaTaskRow *self)
{
  return gtk_inscription_get_text (self->details);
}
