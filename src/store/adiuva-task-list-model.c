/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-task-list-model"

#include "config.h"

#include "adiuva-store-private.h"
#include "adiuva-task-filter-private.h"
#include "adiuva-task-list-model.h"

/* Rows are read a page at a time when a view asks for them, so a list of 100,000 tasks costs
 * one count and one page to show. */
#define PAGE_SIZE 50
#define MAX_CACHED_PAGES 64

struct _AdiuvaTaskListModel
{
  GObject parent_instance;

  AdiuvaStore      *store;
  AdiuvaTaskFilter *filter;

  char       *where;
  GPtrArray  *binds;
  guint       n_items;
  GHashTable *pages;
  guint       reload_source;
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
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static guint
count_items (AdiuvaTaskListModel *self)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM tasks%s", self->where);
  g_autoptr (GError) error = NULL;
  sqlite3_stmt *stmt;
  guint         n = 0;

  stmt = _adiuva_store_prepare (self->store, sql, &error);
  if (stmt == NULL)
    {
      g_warning ("Could not count tasks: %s", error->message);
      return 0;
    }

  _adiuva_task_filter_bind (stmt, self->binds);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);

  return n;
}

static GPtrArray *
load_page (AdiuvaTaskListModel *self,
           guint                page)
{
  g_autofree char *select = _adiuva_store_select_sql (ADIUVA_TYPE_TASK);
  g_autofree char *sql = NULL;
  g_autoptr (GError) error = NULL;
  GPtrArray    *items = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt;

  sql = g_strdup_printf ("%s%s%s LIMIT %d OFFSET ?", select, self->where,
                         _adiuva_task_filter_order_sql (self->filter), PAGE_SIZE);
  stmt = _adiuva_store_prepare (self->store, sql, &error);
  if (stmt == NULL)
    {
      g_warning ("Could not load tasks: %s", error->message);
      return items;
    }

  _adiuva_task_filter_bind (stmt, self->binds);
  sqlite3_bind_int64 (stmt, self->binds->len + 1, (gint64) page * PAGE_SIZE);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (items, _adiuva_store_read_record (ADIUVA_TYPE_TASK, stmt));
  sqlite3_reset (stmt);

  return items;
}

static GType
adiuva_task_list_model_get_item_type (GListModel *model)
{
  return ADIUVA_TYPE_TASK;
}

static guint
adiuva_task_list_model_get_n_items (GListModel *model)
{
  return ADIUVA_TASK_LIST_MODEL (model)->n_items;
}

static gpointer
adiuva_task_list_model_get_item (GListModel *model,
                                 guint       position)
{
  AdiuvaTaskListModel *self = ADIUVA_TASK_LIST_MODEL (model);
  guint                page = position / PAGE_SIZE;
  GPtrArray           *items;

  if (position >= self->n_items)
    return NULL;

  items = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (page));
  if (items == NULL)
    {
      if (g_hash_table_size (self->pages) >= MAX_CACHED_PAGES)
        g_hash_table_remove_all (self->pages);
      items = load_page (self, page);
      g_hash_table_insert (self->pages, GUINT_TO_POINTER (page), items);
    }

  if (position % PAGE_SIZE >= items->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (items, position % PAGE_SIZE));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = adiuva_task_list_model_get_item_type;
  iface->get_n_items = adiuva_task_list_model_get_n_items;
  iface->get_item = adiuva_task_list_model_get_item;
}

static void
reload (AdiuvaTaskListModel *self)
{
  guint old_n_items = self->n_items;

  g_clear_pointer (&self->where, g_free);
  g_ptr_array_set_size (self->binds, 0);
  self->where = _adiuva_task_filter_to_sql (self->filter, self->binds);
  g_hash_table_remove_all (self->pages);
  self->n_items = count_items (self);

  if (old_n_items != 0 || self->n_items != 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n_items, self->n_items);
  if (old_n_items != self->n_items)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static gboolean
reload_idle_cb (gpointer user_data)
{
  AdiuvaTaskListModel *self = user_data;

  self->reload_source = 0;
  reload (self);

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
  g_clear_object (&self->store);

  G_OBJECT_CLASS (adiuva_task_list_model_parent_class)->dispose (object);
}

static void
adiuva_task_list_model_finalize (GObject *object)
{
  AdiuvaTaskListModel *self = ADIUVA_TASK_LIST_MODEL (object);

  g_clear_pointer (&self->filter, adiuva_task_filter_free);
  g_clear_pointer (&self->where, g_free);
  g_clear_pointer (&self->binds, g_ptr_array_unref);
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
      g_value_set_uint (value, self->n_items);
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

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
adiuva_task_list_model_init (AdiuvaTaskListModel *self)
{
  self->binds = g_ptr_array_new_with_free_func (g_free);
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * adiuva_task_list_model_new:
 * @filter: (nullable): which tasks, all when %NULL
 *
 * A live list of tasks: it follows the store's change signals.
 */
AdiuvaTaskListModel *
adiuva_task_list_model_new (AdiuvaStore            *store,
                            const AdiuvaTaskFilter *filter)
{
  AdiuvaTaskListModel *self;

  g_return_val_if_fail (ADIUVA_IS_STORE (store), NULL);

  self = g_object_new (ADIUVA_TYPE_TASK_LIST_MODEL, NULL);
  self->store = g_object_ref (store);
  self->filter = filter != NULL ? adiuva_task_filter_copy (filter) : adiuva_task_filter_new ();
  g_signal_connect_object (store, "changed", G_CALLBACK (store_changed_cb), self,
                           G_CONNECT_SWAPPED);
  reload (self);

  return self;
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
  reload (self);
}
