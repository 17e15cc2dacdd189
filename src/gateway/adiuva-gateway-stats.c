/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-gateway"

#include "config.h"

#include "adiuva-gateway-stats.h"
#include "adiuva-model-stats-private.h"

/*
 * AdiuvaGatewayStats: running aggregates of a gateway client's attempts since it was made,
 * for the UI. A list model of #AdiuvaModelStats rows, one per provider/model in the order
 * they were first asked, plus a totals row. Rows update in place and notify their
 * properties; a new provider/model appends a row.
 */

struct _AdiuvaGatewayStats
{
  GObject parent_instance;

  GPtrArray        *rows;  /* AdiuvaModelStats */
  GHashTable       *index; /* "provider/model" → row, borrowed */
  AdiuvaModelStats *totals;
};

static void list_model_iface_init (GListModelInterface *iface);

/* clang-format off */
G_DEFINE_FINAL_TYPE_WITH_CODE (AdiuvaGatewayStats, adiuva_gateway_stats, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))
/* clang-format on */

static GType
get_item_type (GListModel *model)
{
  return ADIUVA_TYPE_MODEL_STATS;
}

static guint
get_n_items (GListModel *model)
{
  return ADIUVA_GATEWAY_STATS (model)->rows->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  AdiuvaGatewayStats *self = ADIUVA_GATEWAY_STATS (model);

  if (position >= self->rows->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->rows, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
adiuva_gateway_stats_finalize (GObject *object)
{
  AdiuvaGatewayStats *self = ADIUVA_GATEWAY_STATS (object);

  g_clear_pointer (&self->index, g_hash_table_unref);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_object (&self->totals);

  G_OBJECT_CLASS (adiuva_gateway_stats_parent_class)->finalize (object);
}

static void
adiuva_gateway_stats_class_init (AdiuvaGatewayStatsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = adiuva_gateway_stats_finalize;
}

static void
adiuva_gateway_stats_init (AdiuvaGatewayStats *self)
{
  self->rows = g_ptr_array_new_with_free_func (g_object_unref);
  self->index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->totals = _adiuva_model_stats_new (NULL, NULL);
}

/**
 * adiuva_gateway_stats_new:
 *
 * Returns: (transfer full): aggregates of no attempt yet
 */
AdiuvaGatewayStats *
adiuva_gateway_stats_new (void)
{
  return g_object_new (ADIUVA_TYPE_GATEWAY_STATS, NULL);
}

/**
 * adiuva_gateway_stats_add:
 * @metrics: one attempt's metrics
 *
 * Counts an attempt in its provider/model's row, adding the row when it is the first, and in
 * the totals.
 */
void
adiuva_gateway_stats_add (AdiuvaGatewayStats      *self,
                          const AdiuvaCallMetrics *metrics)
{
  g_autofree char  *key = NULL;
  AdiuvaModelStats *row;

  g_return_if_fail (ADIUVA_IS_GATEWAY_STATS (self));
  g_return_if_fail (metrics != NULL);
  g_return_if_fail (metrics->provider != NULL && metrics->model != NULL);

  key = g_strconcat (metrics->provider, "/", metrics->model, NULL);
  row = g_hash_table_lookup (self->index, key);
  if (row == NULL)
    {
      row = _adiuva_model_stats_new (metrics->provider, metrics->model);
      g_ptr_array_add (self->rows, row);
      g_hash_table_insert (self->index, g_steal_pointer (&key), row);
      _adiuva_model_stats_add (row, metrics);
      _adiuva_model_stats_add (self->totals, metrics);
      g_list_model_items_changed (G_LIST_MODEL (self), self->rows->len - 1, 0, 1);
      return;
    }

  _adiuva_model_stats_add (row, metrics);
  _adiuva_model_stats_add (self->totals, metrics);
}

/**
 * adiuva_gateway_stats_lookup:
 *
 * Returns: (transfer none) (nullable): the row of @provider/@model, or %NULL before it was
 *   asked
 */
AdiuvaModelStats *
adiuva_gateway_stats_lookup (AdiuvaGatewayStats *self,
                             const char         *provider,
                             const char         *model)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (ADIUVA_IS_GATEWAY_STATS (self), NULL);
  g_return_val_if_fail (provider != NULL && model != NULL, NULL);

  key = g_strconcat (provider, "/", model, NULL);
  return g_hash_table_lookup (self->index, key);
}

/**
 * adiuva_gateway_stats_get_totals:
 *
 * Returns: (transfer none): the aggregates of every attempt, with %NULL provider and model
 */
AdiuvaModelStats *
adiuva_gateway_stats_get_totals (AdiuvaGatewayStats *self)
{
  g_return_val_if_fail (ADIUVA_IS_GATEWAY_STATS (self), NULL);
  return self->totals;
}
