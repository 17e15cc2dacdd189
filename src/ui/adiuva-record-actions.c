/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-record-actions"

#include "config.h"

#include <glib/gi18n.h>

#include "adiuva-accessible.h"
#include "adiuva-record-actions.h"

/* What rows, pages and bulk actions do to records the same way: toasts in the window's
 * overlay, approving a suggestion, and completing, moving or deleting one or several records
 * in one transaction with one Undo. */

static void
forget_toast_cb (AdwToast  *toast,
                 GtkWidget *overlay)
{
  if (g_object_get_data (G_OBJECT (overlay), "adiuva-last-toast") == toast)
    g_object_set_data (G_OBJECT (overlay), "adiuva-last-toast", NULL);
}

/* When what had the keyboard goes away with the toast's cause (a task completed from its
 * row), the keyboard lands on the toast's Undo, and Orca said only “Undo push button”: the
 * toast's title, as its buttons' description, says what is undone. */
static void
describe_toast_buttons (GtkWidget  *widget,
                        const char *text)
{
  if (GTK_IS_BUTTON (widget))
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                    text, -1);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    describe_toast_buttons (child, text);
}

/* Shows @toast in the toast overlay @widget is in (and drops it when there is none). A new
 * toast replaces the one shown: libadwaita would queue it behind, and the Undo in sight would
 * be the older one. */
void
adiuva_toast_show (GtkWidget *widget,
                   AdwToast  *toast)
{
  GtkWidget       *overlay;
  AdwToast        *shown;
  g_autofree char *title = NULL;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (ADW_IS_TOAST (toast));

  overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  if (overlay == NULL)
    {
      g_object_unref (g_object_ref_sink (toast));
      return;
    }

  shown = g_object_get_data (G_OBJECT (overlay), "adiuva-last-toast");
  if (shown != NULL)
    adw_toast_dismiss (shown);
  g_object_set_data (G_OBJECT (overlay), "adiuva-last-toast", toast);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (forget_toast_cb), overlay, 0);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
  /* The toast is drawn at once (the last one is dismissed), as the overlay's last child; its
   * “_Undo” is named twice like any GTK 4.8 mnemonic button. */
  adiuva_accessible_clean_mnemonic_names (gtk_widget_get_last_child (overlay));
  /* Toast titles are markup. */
  if (pango_parse_markup (adw_toast_get_title (toast), -1, 0, NULL, &title, NULL, NULL))
    describe_toast_buttons (gtk_widget_get_last_child (overlay), title);
}

/* An error that stays until dismissed; toast titles are markup, messages are not. */
void
adiuva_toast_show_error (GtkWidget    *widget,
                         const GError *error)
{
  g_autofree char *message = NULL;
  AdwToast        *toast;

  g_return_if_fail (error != NULL);

  message = g_markup_escape_text (error->message, -1);
  toast = adw_toast_new (message);
  adw_toast_set_timeout (toast, 0);
  adiuva_toast_show (widget, toast);
}

/* The user takes over what the assistant suggested: it stays, without the dashed border. */
gboolean
adiuva_record_approve (AdiuvaStore  *store,
                       AdiuvaRecord *record,
                       GError      **error)
{
  g_return_val_if_fail (ADIUVA_IS_STORE (store), FALSE);
  g_return_val_if_fail (ADIUVA_IS_RECORD (record), FALSE);

  g_object_set (record, "is-approved", TRUE, NULL);

  return adiuva_store_update (store, record, error);
}

/* A done task to do again. */
gboolean
adiuva_task_reopen (AdiuvaStore *store,
                    AdiuvaTask  *task,
                    GError     **error)
{
  g_return_val_if_fail (ADIUVA_IS_STORE (store), FALSE);
  g_return_val_if_fail (ADIUVA_IS_TASK (task), FALSE);

  adiuva_task_set_status (task, ADIUVA_TASK_STATUS_TODO);
  adiuva_task_set_completed_at (task, 0);

  return adiuva_store_update (store, ADIUVA_RECORD (task), error);
}

/* Undo */

typedef gboolean (*UndoFunc) (AdiuvaStore *store,
                              GPtrArray   *records,
                              GError     **error);

typedef struct
{
  AdiuvaStore *store;
  GPtrArray   *records;
  UndoFunc     undo;
  GWeakRef     overlay;
  char        *failure;
} Undo;

static void
undo_free (Undo *undo)
{
  g_clear_object (&undo->store);
  g_clear_pointer (&undo->records, g_ptr_array_unref);
  g_weak_ref_clear (&undo->overlay);
  g_free (undo->failure);
  g_free (undo);
}

/* An Undo that did not happen is said in the window: the user pressed it and expects what they
 * see to change. Only when the window is gone does it go to the log. */
static void
show_undo_failed (Undo         *undo,
                  const GError *error)
{
  g_autoptr (GtkWidget) overlay = g_weak_ref_get (&undo->overlay);
  g_autoptr (GError) shown = NULL;

  if (overlay == NULL)
    {
      g_warning ("%s: %s", undo->failure, error->message);
      return;
    }

  /* Translators: the first %s says what could not be undone, the second why */
  shown = g_error_new (error->domain, error->code, _ ("%s: %s"), undo->failure, error->message);
  adiuva_toast_show_error (overlay, shown);
}

static void
undo_clicked_cb (AdwToast *toast,
                 Undo     *undo)
{
  g_autoptr (GError) error = NULL;

  /* What did the change may be gone by now (a row the list no longer shows): the toast
   * holds all it needs. */
  if (!adiuva_store_begin (undo->store, &error))
    {
      show_undo_failed (undo, error);
      return;
    }
  if (!undo->undo (undo->store, undo->records, &error))
    {
      adiuva_store_rollback (undo->store);
      show_undo_failed (undo, error);
      return;
    }
  if (!adiuva_store_commit (undo->store, &error))
    show_undo_failed (undo, error);
}

/* Shows @message (markup) with an Undo that runs @undo_func on @records; @failure (plain
 * text) says what did not happen if that fails. */
static void
offer_undo (GtkWidget   *widget,
            AdiuvaStore *store,
            GPtrArray   *records,
            UndoFunc     undo_func,
            const char  *message,
            const char  *failure)
{
  Undo     *undo = g_new0 (Undo, 1);
  AdwToast *toast;

  undo->store = g_object_ref (store);
  undo->records = g_ptr_array_ref (records);
  undo->undo = undo_func;
  undo->failure = g_strdup (failure);
  g_weak_ref_init (&undo->overlay, gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY));

  toast = adw_toast_new (message);
  adw_toast_set_button_label (toast, _ ("_Undo"));
  g_signal_connect_data (toast, "button-clicked", G_CALLBACK (undo_clicked_cb), undo,
                         (GClosureNotify) (void (*) (void)) undo_free, 0);
  adiuva_toast_show (widget, toast);
}

/* Runs @change on each record in one transaction; all or nothing. */
static gboolean
change_all (AdiuvaStore *store,
            GPtrArray   *records,
            gboolean (*change) (AdiuvaStore *, gpointer, gpointer, GError **),
            gpointer data,
            GError **error)
{
  if (!adiuva_store_begin (store, error))
    return FALSE;

  for (guint i = 0; i < records->len; i++)
    if (!change (store, g_ptr_array_index (records, i), data, error))
      {
        adiuva_store_rollback (store);
        return FALSE;
      }

  return adiuva_store_commit (store, error);
}

/* Deleting */

/**
 * adiuva_records_delete_with_undo:
 * @widget: a widget in the window whose toast overlay offers the Undo
 * @records: (element-type AdiuvaRecord): what to delete
 * @title: what the toast calls the record when there is one
 *
 * Deletes @records and offers to bring them back as they were, with their ids, together with
 * what went with them (adiuva_store_delete_all() says what: a task's subtasks and comments, a
 * project's tasks and checkpoints, a conversation's messages) and linked again to what they
 * unlinked (a project's notes and conversations, a client's projects).
 */
gboolean
adiuva_records_delete_with_undo (GtkWidget   *widget,
                                 AdiuvaStore *store,
                                 GPtrArray   *records,
                                 const char  *title,
                                 GError     **error)
{
  g_autoptr (GPtrArray) deleted = NULL;
  g_autofree char *message = NULL;
  g_autofree char *failure = NULL;
  g_autofree char *count = NULL;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), FALSE);
  g_return_val_if_fail (ADIUVA_IS_STORE (store), FALSE);
  g_return_val_if_fail (records != NULL && records->len > 0, FALSE);
  g_return_val_if_fail (title != NULL, FALSE);

  count = g_strdup_printf ("%u", records->len);

  deleted = adiuva_store_delete_all (store, records, error);
  if (deleted == NULL)
    return FALSE;

  if (records->len == 1)
    {
      g_autofree char *escaped = g_markup_escape_text (title, -1);

      message = g_strdup_printf (_ ("“%s” was deleted"), escaped);
      failure = g_strdup_printf (_ ("Could not bring “%s” back"), title);
    }
  else
    {
      message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s item was deleted",
                                              "%s items were deleted", records->len),
                                 count);
      failure = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Could not bring %s item back",
                                              "Could not bring %s items back", records->len),
                                 count);
    }
  offer_undo (widget, store, deleted, adiuva_store_restore_all, message, failure);
  return TRUE;
}

/**
 * adiuva_record_delete_with_undo:
 * @widget: a widget in the window whose toast overlay offers the Undo
 * @title: what the toast calls @record
 *
 * Deletes @record with all that goes with it (see adiuva_store_delete_all(): a task's subtasks
 * and comments, a project's tasks and checkpoints, a conversation's messages; a client's
 * projects and a project's notes and conversations stay, unlinked), and offers to bring it all
 * back.
 */
gboolean
adiuva_record_delete_with_undo (GtkWidget    *widget,
                                AdiuvaStore  *store,
                                AdiuvaRecord *record,
                                const char   *title,
                                GError      **error)
{
  g_autoptr (GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (GTK_IS_WIDGET (widget), FALSE);
  g_return_val_if_fail (ADIUVA_IS_STORE (store), FALSE);
  g_return_val_if_fail (ADIUVA_IS_RECORD (record), FALSE);

  g_ptr_array_add (records, g_object_ref (record));
  return adiuva_records_delete_with_undo (widget, store, records, title, error);
}

/* Completing */

static gboolean
complete_one (AdiuvaStore *store,
              gpointer     task,
              gpointer     data,
              GError     **error)
{
  GPtrArray  *next_occurrences = data;
  AdiuvaTask *next = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();

  if (!adiuva_store_complete_task (store, task, now, &next, error))
    return FALSE;
  /* A repeating task's next occurrence goes again if the completion is undone. */
  if (next != NULL)
    g_ptr_array_add (next_occurrences, next);

  return TRUE;
}

static gboolean
reopen_all (AdiuvaStore *store,
            GPtrArray   *records,
            GError     **error)
{
  for (guint i = 0; i < records->len; i++)
    {
      AdiuvaRecord *record = g_ptr_array_index (records, i);

      /* The list holds the completed tasks, then the occurrences their completion made. */
      if (adiuva_task_get_status (ADIUVA_TASK (record)) == ADIUVA_TASK_STATUS_DONE)
        {
          if (!adiuva_task_reopen (store, ADIUVA_TASK (record), error))
            return FALSE;
        }
      else if (!adiuva_store_delete (store, record, error))
        return FALSE;
    }

  return TRUE;
}

/**
 * adiuva_tasks_complete_with_undo:
 * @tasks: (element-type AdiuvaTask): what is done
 *
 * Completes @tasks (a repeating one gets its next occurrence) and offers to undo it.
 */
gboolean
adiuva_tasks_complete_with_undo (GtkWidget   *widget,
                                 AdiuvaStore *store,
                                 GPtrArray   *tasks,
                                 GError     **error)
{
  g_autoptr (GPtrArray) next_occurrences = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) undo = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *message = NULL;
  g_autofree char *failure = NULL;
  g_autofree char *count = NULL;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), FALSE);
  g_return_val_if_fail (ADIUVA_IS_STORE (store), FALSE);
  g_return_val_if_fail (tasks != NULL && tasks->len > 0, FALSE);

  count = g_strdup_printf ("%u", tasks->len);

  if (!change_all (store, tasks, complete_one, next_occurrences, error))
    return FALSE;

  for (guint i = 0; i < tasks->len; i++)
    g_ptr_array_add (undo, g_object_ref (g_ptr_array_index (tasks, i)));
  for (guint i = 0; i < next_occurrences->len; i++)
    g_ptr_array_add (undo, g_object_ref (g_ptr_array_index (next_occurrences, i)));

  if (tasks->len == 1)
    {
      g_autofree char *escaped =
          g_markup_escape_text (adiuva_task_get_title (g_ptr_array_index (tasks, 0)), -1);

      message = g_strdup_printf (_ ("“%s” is done"), escaped);
      failure = g_strdup_printf (_ ("Could not reopen “%s”"),
                                 adiuva_task_get_title (g_ptr_array_index (tasks, 0)));
    }
  else
    {
      message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s task is done",
                                              "%s tasks are done", tasks->len),
                                 count);
      failure = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Could not reopen %s task",
                                              "Could not reopen %s tasks", tasks->len),
                                 count);
    }
  offer_undo (widget, store, undo, reopen_all, message, failure);
  return TRUE;
}

/* Moving */

static gboolean
move_one (AdiuvaStore *store,
          gpointer     task,
          gpointer     data,
          GError     **error)
{
  return adiuva_store_move_task (store, task, *(gint64 *) data, 0, 0, error);
}

static gboolean
move_back (AdiuvaStore *store,
           GPtrArray   *records,
           GError     **error)
{
  for (guint i = 0; i < records->len; i++)
    {
      AdiuvaTask *task = g_ptr_array_index (records, i);
      gint64     *project_id = g_object_get_data (G_OBJECT (task), "adiuva-old-project");

      if (!adiuva_store_move_task (store, task, *project_id, 0, 0, error))
        return FALSE;
    }

  return TRUE;
}

/**
 * adiuva_tasks_move_with_undo:
 * @tasks: (element-type AdiuvaTask): top-level tasks to move (their subtasks follow)
 * @project_id: where to, 0 for the inbox
 */
gboolean
adiuva_tasks_move_with_undo (GtkWidget   *widget,
                             AdiuvaStore *store,
                             GPtrArray   *tasks,
                             gint64       project_id,
                             GError     **error)
{
  g_autofree char *message = NULL;
  g_autofree char *failure = NULL;
  g_autofree char *count = NULL;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), FALSE);
  g_return_val_if_fail (ADIUVA_IS_STORE (store), FALSE);
  g_return_val_if_fail (tasks != NULL && tasks->len > 0, FALSE);

  for (guint i = 0; i < tasks->len; i++)
    {
      AdiuvaTask *task = g_ptr_array_index (tasks, i);
      gint64      old_project = adiuva_task_get_project_id (task);

      g_object_set_data_full (G_OBJECT (task), "adiuva-old-project",
                              g_memdup2 (&old_project, sizeof old_project), g_free);
    }

  if (!change_all (store, tasks, move_one, &project_id, error))
    return FALSE;

  count = g_strdup_printf ("%u", tasks->len);
  if (tasks->len == 1)
    {
      g_autofree char *escaped =
          g_markup_escape_text (adiuva_task_get_title (g_ptr_array_index (tasks, 0)), -1);

      message = g_strdup_printf (_ ("“%s” was moved"), escaped);
      failure = g_strdup_printf (_ ("Could not move “%s” back"),
                                 adiuva_task_get_title (g_ptr_array_index (tasks, 0)));
    }
  else
    {
      message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s task was moved",
                                              "%s tasks were moved", tasks->len),
                                 count);
      failure = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Could not move %s task back",
                                              "Could not move %s tasks back", tasks->len),
                                 count);
    }
  offer_undo (widget, store, tasks, move_back, message, failure);
  return TRUE;
}

/* Archiving */

/* Undo reads the project again: it may have changed (colour, status) since it was archived,
 * and only the archived flag goes back. */
static gboolean
set_archived (AdiuvaStore *store,
              GPtrArray   *records,
              gboolean     archived,
              GError     **error)
{
  for (guint i = 0; i < records->len; i++)
    {
      g_autoptr (AdiuvaProject) project = NULL;

      project = adiuva_store_get (store, ADIUVA_TYPE_PROJECT,
                                  adiuva_record_get_id (g_ptr_array_index (records, i)), error);
      if (project == NULL)
        return FALSE;
      adiuva_project_set_archived (project, archived);
      if (!adiuva_store_update (store, ADIUVA_RECORD (project), error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
archive_all (AdiuvaStore *store,
             GPtrArray   *records,
             GError     **error)
{
  return set_archived (store, records, TRUE, error);
}

static gboolean
unarchive_all (AdiuvaStore *store,
               GPtrArray   *records,
               GError     **error)
{
  return set_archived (store, records, FALSE, error);
}

/**
 * adiuva_project_set_archived_with_undo:
 * @project: a saved project
 * @archived: whether it goes to the archive or comes back from it
 *
 * Archives or unarchives @project and offers to undo it.
 */
gboolean
adiuva_project_set_archived_with_undo (GtkWidget     *widget,
                                       AdiuvaStore   *store,
                                       AdiuvaProject *project,
                                       gboolean       archived,
                                       GError       **error)
{
  g_autoptr (GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *escaped = NULL;
  g_autofree char *message = NULL;
  g_autofree char *failure = NULL;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), FALSE);
  g_return_val_if_fail (ADIUVA_IS_STORE (store), FALSE);
  g_return_val_if_fail (ADIUVA_IS_PROJECT (project), FALSE);

  g_ptr_array_add (records, g_object_ref (project));
  if (!set_archived (store, records, archived, error))
    return FALSE;

  escaped = g_markup_escape_text (adiuva_project_get_name (project), -1);
  if (archived)
    {
      message = g_strdup_printf (_ ("“%s” was archived"), escaped);
      failure = g_strdup_printf (_ ("Could not bring “%s” back from the archive"),
                                 adiuva_project_get_name (project));
    }
  else
    {
      message = g_strdup_printf (_ ("“%s” is back from the archive"), escaped);
      failure = g_strdup_printf (_ ("Could not archive “%s” again"),
                                 adiuva_project_get_name (project));
    }
  offer_undo (widget, store, records, archived ? unarchive_all : archive_all, message, failure);
  return TRUE;
}
