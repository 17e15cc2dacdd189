/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-quick-add-model"

#include "config.h"

#include <glib/gi18n.h>

#include "adiuva-format.h"
#include "adiuva-quick-add-model.h"

/* The chips under the quick-add entry: what the store's parser understood of the line so far,
 * as a list model. Chips only change when what was understood changes, so typing the title
 * does not make them flicker. */
struct _AdiuvaQuickAddModel
{
  GObject         parent_instance;
  AdiuvaStore    *store;
  AdiuvaQuickAdd *parsed;
  GPtrArray      *chips;
  gboolean        can_add;
};

static void list_model_iface_init (GListModelInterface *iface);

/* clang-format off */
G_DEFINE_FINAL_TYPE_WITH_CODE (AdiuvaQuickAddModel, adiuva_quick_add_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))
/* clang-format on */

enum
{
  PROP_0,
  PROP_CAN_ADD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
get_item_type (GListModel *model)
{
  return ADIUVA_TYPE_QUICK_ADD_CHIP;
}

static guint
get_n_items (GListModel *model)
{
  return ADIUVA_QUICK_ADD_MODEL (model)->chips->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  AdiuvaQuickAddModel *self = ADIUVA_QUICK_ADD_MODEL (model);

  if (position >= self->chips->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->chips, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
adiuva_quick_add_model_dispose (GObject *object)
{
  AdiuvaQuickAddModel *self = ADIUVA_QUICK_ADD_MODEL (object);

  g_clear_object (&self->store);

  G_OBJECT_CLASS (adiuva_quick_add_model_parent_class)->dispose (object);
}

static void
adiuva_quick_add_model_finalize (GObject *object)
{
  AdiuvaQuickAddModel *self = ADIUVA_QUICK_ADD_MODEL (object);

  g_clear_pointer (&self->parsed, adiuva_quick_add_free);
  g_clear_pointer (&self->chips, g_ptr_array_unref);

  G_OBJECT_CLASS (adiuva_quick_add_model_parent_class)->finalize (object);
}

static void
adiuva_quick_add_model_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  AdiuvaQuickAddModel *self = ADIUVA_QUICK_ADD_MODEL (object);

  switch (prop_id)
    {
    case PROP_CAN_ADD:
      g_value_set_boolean (value, self->can_add);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
adiuva_quick_add_model_class_init (AdiuvaQuickAddModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = adiuva_quick_add_model_dispose;
  object_class->finalize = adiuva_quick_add_model_finalize;
  object_class->get_property = adiuva_quick_add_model_get_property;

  /**
   * AdiuvaQuickAddModel:can-add:
   *
   * Whether the line makes a task: it has a title and names no project that does not exist.
   */
  properties[PROP_CAN_ADD] =
      g_param_spec_boolean ("can-add", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
adiuva_quick_add_model_init (AdiuvaQuickAddModel *self)
{
  self->chips = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * adiuva_quick_add_model_new:
 * @store: (nullable): the workspace, to tell whether a named project exists
 */
AdiuvaQuickAddModel *
adiuva_quick_add_model_new (AdiuvaStore *store)
{
  AdiuvaQuickAddModel *self;

  g_return_val_if_fail (store == NULL || ADIUVA_IS_STORE (store), NULL);

  self = g_object_new (ADIUVA_TYPE_QUICK_ADD_MODEL, NULL);
  g_set_object (&self->store, store);

  return self;
}

static char *
project_problem (AdiuvaQuickAddModel *self,
                 const char          *name)
{
  g_autoptr (AdiuvaProject) project = NULL;
  g_autoptr (GError) error = NULL;

  if (self->store == NULL)
    return NULL;

  project = adiuva_store_find_project (self->store, name, &error);
  if (project != NULL)
    return NULL;
  if (g_error_matches (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NOT_FOUND))
    return g_strdup_printf (_ ("There is no project “%s” yet. Create it first, or take the "
                               "# out to add the task to the inbox."),
                            name);

  return g_strdup (error->message);
}

static GPtrArray *
make_chips (AdiuvaQuickAddModel  *self,
            const AdiuvaQuickAdd *parsed,
            GDateTime            *now)
{
  GPtrArray *chips = g_ptr_array_new_with_free_func (g_object_unref);

  if (parsed->due != NULL)
    {
      g_autofree char *label = adiuva_format_due (parsed->due, parsed->due_has_time, now);

      g_ptr_array_add (chips, adiuva_quick_add_chip_new (ADIUVA_QUICK_ADD_CHIP_DATE, label, NULL));
    }

  if (parsed->priority > 0)
    {
      g_autofree char *number = g_strdup_printf ("%d", parsed->priority);
      /* Translators: %s is a number from 1 (highest) to 4 */
      g_autofree char *label = g_strdup_printf (_ ("Priority %s"), number);

      g_ptr_array_add (chips,
                       adiuva_quick_add_chip_new (ADIUVA_QUICK_ADD_CHIP_PRIORITY, label, NULL));
    }

  if (parsed->project != NULL)
    {
      g_autofree char *problem = project_problem (self, parsed->project);

      g_ptr_array_add (chips, adiuva_quick_add_chip_new (ADIUVA_QUICK_ADD_CHIP_PROJECT,
                                                         parsed->project, problem));
    }

  for (guint i = 0; parsed->tags[i] != NULL; i++)
    {
      g_autofree char *label = g_strconcat ("@", parsed->tags[i], NULL);

      g_ptr_array_add (chips, adiuva_quick_add_chip_new (ADIUVA_QUICK_ADD_CHIP_TAG, label, NULL));
    }

  return chips;
}

static gboolean
same_chips (GPtrArray *a,
            GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;

  for (guint i = 0; i < a->len; i++)
    if (!adiuva_quick_add_chip_equal (g_ptr_array_index (a, i), g_ptr_array_index (b, i)))
      return FALSE;

  return TRUE;
}

/**
 * adiuva_quick_add_model_set_text:
 * @text: the line as typed so far
 * @now: (nullable): what today is, the current time when %NULL
 *
 * Understands @text again and updates the chips.
 */
void
adiuva_quick_add_model_set_text (AdiuvaQuickAddModel *self,
                                 const char          *text,
                                 GDateTime           *now)
{
  g_autoptr (GDateTime) local_now = NULL;
  g_autoptr (GPtrArray) chips = NULL;
  gboolean can_add;
  guint    old_len;

  g_return_if_fail (ADIUVA_IS_QUICK_ADD_MODEL (self));
  g_return_if_fail (text != NULL);

  if (now == NULL)
    now = local_now = g_date_time_new_now_local ();

  g_clear_pointer (&self->parsed, adiuva_quick_add_free);
  self->parsed = adiuva_quick_add_parse (text, now);
  chips = make_chips (self, self->parsed, now);

  can_add = *self->parsed->title != '\0';
  for (guint i = 0; i < chips->len; i++)
    can_add = can_add && adiuva_quick_add_chip_get_problem (g_ptr_array_index (chips, i)) == NULL;

  if (!same_chips (self->chips, chips))
    {
      old_len = self->chips->len;
      g_ptr_array_unref (self->chips);
      self->chips = g_steal_pointer (&chips);
      g_list_model_items_changed (G_LIST_MODEL (self), 0, old_len, self->chips->len);
    }

  if (can_add != self->can_add)
    {
      self->can_add = can_add;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_ADD]);
    }
}

/* What was understood of the last text, or %NULL before the first. */
const AdiuvaQuickAdd *
adiuva_quick_add_model_get_parsed (AdiuvaQuickAddModel *self)
{
  g_return_val_if_fail (ADIUVA_IS_QUICK_ADD_MODEL (self), NULL);

  return self->parsed;
}

gboolean
adiuva_quick_add_model_get_can_add (AdiuvaQuickAddModel *self)
{
  g_return_val_if_fail (ADIUVA_IS_QUICK_ADD_MODEL (self), FALSE);

  return self->can_add;
}
