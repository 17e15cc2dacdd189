/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-task-list-model"

#include "config.h"

#include "adiuva-store-private.h"
#include "adiuva-task-filter-private.h"
#include "adiuva-task-list-model.h"

/* The list is its ids, in order, read with the filter's WHERE and ORDER BY in one query that
 * the indexes of migration 0005 answer without touching the table (800 KB for 100,000 tasks).
 * Rows are read a page at a time by id when a view asks for them, so any position costs the
 * same: a page deep in the list is not found again by skipping every row before it. */
#define PAGE_SIZE 50
#define MAX_CACHED_PAGES 16

/* A new list read in the background comes in two parts: the ids of its first screens, then
 * the rest, so that a view shows its first rows without waiting for all 100,000. */
#define FIRST_PART 200

/* The rest adds no row to a page already read. */
G_STATIC_ASSERT (FIRST_PART % PAGE_SIZE == 0);

struct _AdiuvaTaskListModel
{
  GObject parent_instance;

  AdiuvaStore      *store;
  AdiuvaTaskFilter *filter;

  GArray       *ids; /* gint64 */
  GHashTable   *pages;
  guint         reload_source;
  gboolean      in_background;
  GCancellable *reading;    /* the ids being read in the background */
  guint         first_part; /* how many the read under way takes first, 0 for all at once */
};

static void list_model_iface_init (GListModelInterface *iface);

/* clang-format off */
G_DEFINE_FINAL_TYPE_WITH_CODE (AdiuvaTaskListModel, adiuva_task_list_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))
/* clang-format on */

enum
{
  PROP_0,
  PROP_N_ITEMS,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Which ids a read takes: @max of them (0 for all) from @offset on, of those @filter lists */
typedef struct
{
  AdiuvaTaskFilter *filter;
  guint             offset;
  guint             max;
} IdsQuery;

static void
ids_query_free (IdsQuery *query)
{
  adiuva_task_filter_free (query->filter);
  g_free (query);
}

/* On @connection: the main one, or the reader's on its worker thread */
static GArray *
read_ids (AdiuvaStore    *connection,
          const IdsQuery *query,
          GError        **error)
{
  g_autoptr (GPtrArray) binds = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *where = _adiuva_task_filter_to_sql (query->filter, binds);
  g_autofree char *sql = NULL;
  guint            limit = query->filter->limit;
  GArray          *ids;
  sqlite3_stmt    *stmt;

  if (limit > 0 && query->offset >= limit)
    return g_array_new (FALSE, FALSE, sizeof (gint64));
  if (limit > 0)
    limit -= query->offset;
  if (query->max > 0)
    limit = limit > 0 ? MIN (limit, query->max) : query->max;

  /* Inlined, not bound: lists use a handful of limits and offsets, a prepared statement each. */
  sql = g_strdup_printf ("SELECT tasks.id FROM tasks%s%s LIMIT %d OFFSET %u", where,
                         _adiuva_task_filter_order_sql (query->filter), limit > 0 ? (int) limit : -1,
                         query->offset);
  stmt = _adiuva_store_prepare (connection, sql, error);
  if (stmt == NULL)
    return NULL;

  ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  _adiuva_task_filter_bind (stmt, binds);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  sqlite3_reset (stmt);

  return ids;
}

static gpointer
read_ids_thread (AdiuvaStore  *connection,
                 gpointer      data,
                 GCancellable *cancellable,
                 GError      **error)
{
  return read_ids (connection, data, error);
}

static void
clear_task (gpointer task)
{
  g_clear_object (&task);
}

/* The rows of page @page, in the order of its ids; a task deleted since the ids were read is
 * missing until the reload that its change signal brings. */
static GPtrArray *
load_page (AdiuvaTaskListModel *self,
           guint                page)
{
  g_autofree char *select = _adiuva_store_select_sql (ADIUVA_TYPE_TASK);
  g_autoptr (GString) sql = g_string_new (select);
  g_autoptr (GError) error = NULL;
  GPtrArray    *items = g_ptr_array_new_with_free_func (clear_task);
  guint         first = page * PAGE_SIZE;
  guint         n = MIN (PAGE_SIZE, self->ids->len - first);
  gpointer      found[PAGE_SIZE] = { NULL };
  sqlite3_stmt *stmt;

  /* Always PAGE_SIZE parameters, the unused ones NULL: one statement, prepared once. */
  g_string_append (sql, " WHERE tasks.id IN (?");
  for (guint i = 1; i < PAGE_SIZE; i++)
    g_string_append (sql, ", ?");
  g_string_append_c (sql, ')');

  stmt = _adiuva_store_prepare (self->store, sql->str, &error);
  if (stmt == NULL)
    {
      g_warning ("Could not load tasks: %s", error->message);
      return items;
    }

  for (guint i = 0; i < n; i++)
    sqlite3_bind_int64 (stmt, i + 1, g_array_index (self->ids, gint64, first + i));
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      for (guint i = 0; i < n; i++)
        if (found[i] == NULL && g_array_index (self->ids, gint64, first + i) == id)
          {
            found[i] = _adiuva_store_read_record (ADIUVA_TYPE_TASK, stmt);
            break;
          }
    }
  sqlite3_reset (stmt);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (items, found[i]);

  return items;
}

/* One page makes room for the next, the one farthest from it: forgetting them all at once
 * freed 800 tasks in one frame of a dragged scrollbar. */
static void
forget_farthest_page (AdiuvaTaskListModel *self,
                      guint                page)
{
  GHashTableIter iter;
  gpointer       key;
  guint          farthest = page, distance = 0;

  g_hash_table_iter_init (&iter, self->pages);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      guint other = GPOINTER_TO_UINT (key);
      guint d = other > page ? other - page : page - other;

      if (d >= distance)
        {
          farthest = other;
          distance = d;
        }
    }

  g_hash_table_remove (self->pages, GUINT_TO_POINTER (farthest));
}

static GType
adiuva_task_list_model_get_item_type (GListModel *model)
{
  return ADIUVA_TYPE_TASK;
}

static guint
adiuva_task_list_model_get_n_items (GListModel *model)
{
  return ADIUVA_TASK_LIST_MODEL (model)->ids->len;
}

static gpointer
adiuva_task_list_model_get_item (GListModel *model,
                                 guint       position)
{
  AdiuvaTaskListModel *self = ADIUVA_TASK_LIST_MODEL (model);
  guint                page = position / PAGE_SIZE;
  GPtrArray           *items;
  gpointer             item;

  if (position >= self->ids->len)
    return NULL;

  items = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (page));
  if (items == NULL)
    {
      if (g_hash_table_size (self->pages) >= MAX_CACHED_PAGES)
        forget_farthest_page (self, page);
      items = load_page (self, page);
      g_hash_table_insert (self->pages, GUINT_TO_POINTER (page), items);
    }

  item = position % PAGE_SIZE < items->len ? g_ptr_array_index (items, position % PAGE_SIZE)
                                           : NULL;

  return item != NULL ? g_object_ref (item) : NULL;
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = adiuva_task_list_model_get_item_type;
  iface->get_n_items = adiuva_task_list_model_get_n_items;
  iface->get_item = adiuva_task_list_model_get_item;
}

/* @ids: (transfer full) (nullable): what was read, %NULL if it failed with @error */
static void
set_ids (AdiuvaTaskListModel *self,
         GArray              *ids,
         const GError        *error)
{
  guint old_n_items = self->ids->len;

  if (ids == NULL)
    {
      g_warning ("Could not list tasks: %s", error->message);
      ids = g_array_new (FALSE, FALSE, sizeof (gint64));
    }

  g_hash_table_remove_all (self->pages);
  g_array_unref (self->ids);
  self->ids = ids;

  if (old_n_items != 0 || self->ids->len != 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n_items, self->ids->len);
  if (old_n_items != self->ids->len)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static IdsQuery *
ids_query_new (AdiuvaTaskListModel *self,
               guint                offset,
               guint                max)
{
  IdsQuery *query = g_new0 (IdsQuery, 1);

  query->filter = adiuva_task_filter_copy (self->filter);
  query->offset = offset;
  query->max = max;

  return query;
}

static void
read_in_background (AdiuvaTaskListModel *self,
                    IdsQuery            *query,
                    GAsyncReadyCallback  callback)
{
  adiuva_store_read_async (self->store, read_ids_thread, query, (GDestroyNotify) ids_query_free,
                           (GDestroyNotify) g_array_unref, self->reading, callback,
                           g_object_ref (self));
}

static void
done_reading (AdiuvaTaskListModel *self)
{
  g_clear_object (&self->reading);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
rest_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (AdiuvaTaskListModel) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) rest = adiuva_store_read_finish (ADIUVA_STORE (source), result, &error);
  guint n_before = self->ids->len;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (rest == NULL)
    g_warning ("Could not list tasks: %s", error->message);
  else if (rest->len > 0)
    {
      g_array_append_vals (self->ids, rest->data, rest->len);
      g_list_model_items_changed (G_LIST_MODEL (self), n_before, 0, rest->len);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
    }
  done_reading (self);
}

/* The first part of a new list, or the whole of one read again after a change. */
static void
ids_read_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr (AdiuvaTaskListModel) self = user_data;
  g_autoptr (GError) error = NULL;
  GArray  *ids = adiuva_store_read_finish (ADIUVA_STORE (source), result, &error);
  gboolean more;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  more = ids != NULL && self->first_part > 0 && ids->len == self->first_part;
  set_ids (self, ids, error);
  if (more)
    read_in_background (self, ids_query_new (self, self->first_part, 0), rest_read_cb);
  else
    done_reading (self);
}

/* In the background, a new list (a new model, a new filter) shows its first part as soon as
 * it is read, then grows by the rest; a list read again after a change keeps its ids until
 * the new ones are read, and takes them at once. A read that a later one overtakes is
 * dropped. */
static void
reload (AdiuvaTaskListModel *self,
        gboolean             new_list)
{
  g_autoptr (GError) error = NULL;
  IdsQuery whole = { self->filter, 0, 0 };
  GArray  *ids;

  if (self->in_background)
    {
      gboolean was_loading = self->reading != NULL;

      g_cancellable_cancel (self->reading);
      g_clear_object (&self->reading);
      self->reading = g_cancellable_new ();
      self->first_part = new_list ? FIRST_PART : 0;
      read_in_background (self, ids_query_new (self, 0, self->first_part), ids_read_cb);
      if (!was_loading)
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
      return;
    }

  ids = read_ids (self->store, &whole, &error);
  set_ids (self, ids, error);
}

static gboolean
reload_idle_cb (gpointer user_data)
{
  AdiuvaTaskListModel *self = user_data;

  self->reload_source = 0;
  reload (self, FALSE);

  return G_SOURCE_REMOVE;
}

/* A bulk change commits many rows at once: reload once, after the burst. */
static void
store_changed_cb (AdiuvaTaskListModel *self,
                  AdiuvaEntity         entity,
                  gint64               id,
                  AdiuvaChange         change,
                  AdiuvaStore         *store)
{
  gboolean affects_tasks = entity == ADIUVA_ENTITY_TASK ||
                           (entity == ADIUVA_ENTITY_PROJECT && change == ADIUVA_CHANGE_REMOVED);

  if (affects_tasks && self->reload_source == 0)
    self->reload_source = g_idle_add_full (G_PRIORITY_DEFAULT, reload_idle_cb, self, NULL);
}

static void
adiuva_task_list_model_dispose (GObject *object)
{
  AdiuvaTaskListModel *self = ADIUVA_TASK_LIST_MODEL (object);

  g_clear_handle_id (&self->reload_source, g_source_remove);
  g_cancellable_cancel (self->reading);
  g_clear_object (&self->reading);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (adiuva_task_list_model_parent_class)->dispose (object);
}

static void
adiuva_task_list_model_finalize (GObject *object)
{
  AdiuvaTaskListModel *self = ADIUVA_TASK_LIST_MODEL (object);

  g_clear_pointer (&self->filter, adiuva_task_filter_free);
  g_clear_pointer (&self->ids, g_array_unref);
  g_clear_pointer (&self->pages, g_hash_table_unref);

  G_OBJECT_CLASS (adiuva_task_list_model_parent_class)->finalize (object);
}

static void
adiuva_task_list_model_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  AdiuvaTaskListModel *self = ADIUVA_TASK_LIST_MODEL (object);

  switch (prop_id)
    {
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->ids->len);
      break;

    case PROP_LOADING:
      g_value_set_boolean (value, self->reading != NULL);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
adiuva_task_list_model_class_init (AdiuvaTaskListModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = adiuva_task_list_model_dispose;
  object_class->finalize = adiuva_task_list_model_finalize;
  object_class->get_property = adiuva_task_list_model_get_property;

  properties[PROP_N_ITEMS] =
      g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] =
      g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
adiuva_task_list_model_init (AdiuvaTaskListModel *self)
{
  self->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
}

static AdiuvaTaskListModel *
create (AdiuvaStore            *store,
        const AdiuvaTaskFilter *filter,
        gboolean                in_background)
{
  AdiuvaTaskListModel *self;

  self = g_object_new (ADIUVA_TYPE_TASK_LIST_MODEL, NULL);
  self->store = g_object_ref (store);
  self->filter = filter != NULL ? adiuva_task_filter_copy (filter) : adiuva_task_filter_new ();
  self->in_background = in_background;
  g_signal_connect_object (store, "changed", G_CALLBACK (store_changed_cb), self,
                           G_CONNECT_SWAPPED);
  reload (self, TRUE);

  return self;
}

/**
 * adiuva_task_list_model_new:
 * @filter: (nullable): which tasks, all when %NULL
 *
 * A live list of tasks: it follows the store's change signals, reading which tasks it lists
 * at once (and again after a change, from an idle callback).
 */
AdiuvaTaskListModel *
adiuva_task_list_model_new (AdiuvaStore            *store,
                            const AdiuvaTaskFilter *filter)
{
  g_return_val_if_fail (ADIUVA_IS_STORE (store), NULL);

  return create (store, filter, FALSE);
}

/**
 * adiuva_task_list_model_new_in_background:
 * @filter: (nullable): which tasks, all when %NULL
 *
 * As adiuva_task_list_model_new(), but which tasks it lists is read on the store's worker
 * thread (adiuva_store_read_async()), first and after each change or new filter: for a view,
 * whose window must not wait (the 71,859 open tasks of tests/bench's workspace take about
 * 40 ms, and the list reads them again after every change).
 *
 * It is empty, and #AdiuvaTaskListModel:loading is %TRUE, until its first 200 tasks are read;
 * it then grows by the rest, and stops loading. A new filter is read the same way. After a
 * change it keeps listing what it did until the list is read again, whole.
 */
AdiuvaTaskListModel *
adiuva_task_list_model_new_in_background (AdiuvaStore            *store,
                                          const AdiuvaTaskFilter *filter)
{
  g_return_val_if_fail (ADIUVA_IS_STORE (store), NULL);

  return create (store, filter, TRUE);
}

/* Whether the ids are being read in the background */
gboolean
adiuva_task_list_model_get_loading (AdiuvaTaskListModel *self)
{
  g_return_val_if_fail (ADIUVA_IS_TASK_LIST_MODEL (self), FALSE);

  return self->reading != NULL;
}

const AdiuvaTaskFilter *
adiuva_task_list_model_get_filter (AdiuvaTaskListModel *self)
{
  g_return_val_if_fail (ADIUVA_IS_TASK_LIST_MODEL (self), NULL);

  return self->filter;
}

void
adiuva_task_list_model_set_filter (AdiuvaTaskListModel    *self,
                                   const AdiuvaTaskFilter *filter)
{
  g_return_if_fail (ADIUVA_IS_TASK_LIST_MODEL (self));

  g_clear_pointer (&self->filter, adiuva_task_filter_free);
  self->filter = filter != NULL ? adiuva_task_filter_copy (filter) : adiuva_task_filter_new ();
  reload (self, TRUE);
}
