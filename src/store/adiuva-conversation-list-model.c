/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-conversation-list-model"

#include "config.h"

#include "adiuva-conversation-list-model.h"
#include "adiuva-store-private.h"

/* The Chat sidebar: conversations are few (hundreds), so the whole list is read at once, the
 * same way adiuva_store_list_conversations() does, and read again after a burst of changes. */
struct _AdiuvaConversationListModel
{
  GObject parent_instance;

  AdiuvaStore *store;
  gint64       project_id;
  GListModel  *items;
  guint        reload_source;
};

static void list_model_iface_init (GListModelInterface *iface);

/* clang-format off */
G_DEFINE_FINAL_TYPE_WITH_CODE (AdiuvaConversationListModel, adiuva_conversation_list_model,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))
/* clang-format on */

enum
{
  PROP_0,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
adiuva_conversation_list_model_get_item_type (GListModel *model)
{
  return ADIUVA_TYPE_CONVERSATION;
}

static guint
adiuva_conversation_list_model_get_n_items (GListModel *model)
{
  AdiuvaConversationListModel *self = ADIUVA_CONVERSATION_LIST_MODEL (model);

  return g_list_model_get_n_items (self->items);
}

static gpointer
adiuva_conversation_list_model_get_item (GListModel *model,
                                         guint       position)
{
  AdiuvaConversationListModel *self = ADIUVA_CONVERSATION_LIST_MODEL (model);

  return g_list_model_get_item (self->items, position);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = adiuva_conversation_list_model_get_item_type;
  iface->get_n_items = adiuva_conversation_list_model_get_n_items;
  iface->get_item = adiuva_conversation_list_model_get_item;
}

static void
reload (AdiuvaConversationListModel *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) items = NULL;
  guint old_n_items = g_list_model_get_n_items (self->items);
  guint n_items;

  items = adiuva_store_list_conversations (self->store, self->project_id, &error);
  if (items == NULL)
    {
      /* The list keeps what it showed rather than going blank. */
      g_warning ("Could not list conversations: %s", error->message);
      return;
    }

  g_set_object (&self->items, items);
  n_items = g_list_model_get_n_items (items);
  if (old_n_items != 0 || n_items != 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n_items, n_items);
  if (old_n_items != n_items)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static gboolean
reload_idle_cb (gpointer user_data)
{
  AdiuvaConversationListModel *self = user_data;

  self->reload_source = 0;
  reload (self);

  return G_SOURCE_REMOVE;
}

/* A new message touches its conversation, which is a conversation change too: only those
 * matter, and a burst of them reloads once. */
static void
store_changed_cb (AdiuvaConversationListModel *self,
                  AdiuvaEntity                 entity,
                  gint64                       id,
                  AdiuvaChange                 change,
                  AdiuvaStore                 *store)
{
  gboolean affects_list = entity == ADIUVA_ENTITY_CONVERSATION ||
                          (self->project_id >= 0 && entity == ADIUVA_ENTITY_PROJECT &&
                           change == ADIUVA_CHANGE_REMOVED);

  if (affects_list && self->reload_source == 0)
    self->reload_source = g_idle_add_full (G_PRIORITY_DEFAULT, reload_idle_cb, self, NULL);
}

static void
adiuva_conversation_list_model_dispose (GObject *object)
{
  AdiuvaConversationListModel *self = ADIUVA_CONVERSATION_LIST_MODEL (object);

  g_clear_handle_id (&self->reload_source, g_source_remove);
  g_clear_object (&self->store);
  g_clear_object (&self->items);

  G_OBJECT_CLASS (adiuva_conversation_list_model_parent_class)->dispose (object);
}

static void
adiuva_conversation_list_model_get_property (GObject    *object,
                                             guint       prop_id,
                                             GValue     *value,
                                             GParamSpec *pspec)
{
  AdiuvaConversationListModel *self = ADIUVA_CONVERSATION_LIST_MODEL (object);

  switch (prop_id)
    {
    case PROP_N_ITEMS:
      g_value_set_uint (value, g_list_model_get_n_items (self->items));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
adiuva_conversation_list_model_class_init (AdiuvaConversationListModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = adiuva_conversation_list_model_dispose;
  object_class->get_property = adiuva_conversation_list_model_get_property;

  properties[PROP_N_ITEMS] =
      g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
adiuva_conversation_list_model_init (AdiuvaConversationListModel *self)
{
  self->items = G_LIST_MODEL (g_list_store_new (ADIUVA_TYPE_CONVERSATION));
}

/**
 * adiuva_conversation_list_model_new:
 * @project_id: a project, 0 for conversations without one, -1 for all
 *
 * A live list of conversations, the most recently active first: it follows the store's change
 * signals (after the burst, from an idle).
 */
AdiuvaConversationListModel *
adiuva_conversation_list_model_new (AdiuvaStore *store,
                                    gint64       project_id)
{
  AdiuvaConversationListModel *self;

  g_return_val_if_fail (ADIUVA_IS_STORE (store), NULL);

  self = g_object_new (ADIUVA_TYPE_CONVERSATION_LIST_MODEL, NULL);
  self->store = g_object_ref (store);
  self->project_id = project_id;
  g_signal_connect_object (store, "changed", G_CALLBACK (store_changed_cb), self,
                           G_CONNECT_SWAPPED);
  reload (self);

  return self;
}

gint64
adiuva_conversation_list_model_get_project_id (AdiuvaConversationListModel *self)
{
  g_return_val_if_fail (ADIUVA_IS_CONVERSATION_LIST_MODEL (self), 0);

  return self->project_id;
}
