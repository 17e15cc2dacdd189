/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-assistant"

#include "config.h"

#include <string.h>

#include "adiuva-model-choice.h"
#include "adiuva-workspace-gateway-private.h"

/**
 * AdiuvaModelChoice:
 *
 * One model a user can pick for a chat, as adiuva_model_choices_list_async() lists them.
 */
struct _AdiuvaModelChoice
{
  GObject parent_instance;

  char    *reference;
  char    *provider;
  char    *model;
  gboolean is_local;
};

G_DEFINE_FINAL_TYPE (AdiuvaModelChoice, adiuva_model_choice, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_REFERENCE,
  PROP_PROVIDER,
  PROP_MODEL,
  PROP_IS_LOCAL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
adiuva_model_choice_finalize (GObject *object)
{
  AdiuvaModelChoice *self = ADIUVA_MODEL_CHOICE (object);

  g_free (self->reference);
  g_free (self->provider);
  g_free (self->model);
  G_OBJECT_CLASS (adiuva_model_choice_parent_class)->finalize (object);
}

static void
adiuva_model_choice_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  AdiuvaModelChoice *self = ADIUVA_MODEL_CHOICE (object);

  switch (prop_id)
    {
    case PROP_REFERENCE:
      g_value_set_string (value, self->reference);
      break;
    case PROP_PROVIDER:
      g_value_set_string (value, self->provider);
      break;
    case PROP_MODEL:
      g_value_set_string (value, self->model);
      break;
    case PROP_IS_LOCAL:
      g_value_set_boolean (value, self->is_local);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
adiuva_model_choice_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  AdiuvaModelChoice *self = ADIUVA_MODEL_CHOICE (object);

  switch (prop_id)
    {
    case PROP_REFERENCE:
      self->reference = g_value_dup_string (value);
      break;
    case PROP_PROVIDER:
      self->provider = g_value_dup_string (value);
      break;
    case PROP_MODEL:
      self->model = g_value_dup_string (value);
      break;
    case PROP_IS_LOCAL:
      self->is_local = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
adiuva_model_choice_class_init (AdiuvaModelChoiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags   flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = adiuva_model_choice_finalize;
  object_class->get_property = adiuva_model_choice_get_property;
  object_class->set_property = adiuva_model_choice_set_property;

  properties[PROP_REFERENCE] = g_param_spec_string ("reference", NULL, NULL, NULL, flags);
  properties[PROP_PROVIDER] = g_param_spec_string ("provider", NULL, NULL, NULL, flags);
  properties[PROP_MODEL] = g_param_spec_string ("model", NULL, NULL, NULL, flags);
  properties[PROP_IS_LOCAL] = g_param_spec_boolean ("is-local", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
adiuva_model_choice_init (AdiuvaModelChoice *self)
{
}

const char *
adiuva_model_choice_get_reference (AdiuvaModelChoice *self)
{
  g_return_val_if_fail (ADIUVA_IS_MODEL_CHOICE (self), NULL);

  return self->reference;
}

/**
 * adiuva_model_choice_get_provider:
 *
 * Returns: (nullable): the provider's name, %NULL for auto
 */
const char *
adiuva_model_choice_get_provider (AdiuvaModelChoice *self)
{
  g_return_val_if_fail (ADIUVA_IS_MODEL_CHOICE (self), NULL);

  return self->provider;
}

/**
 * adiuva_model_choice_get_model:
 *
 * Returns: (nullable): the model as the provider names it, %NULL for auto
 */
const char *
adiuva_model_choice_get_model (AdiuvaModelChoice *self)
{
  g_return_val_if_fail (ADIUVA_IS_MODEL_CHOICE (self), NULL);

  return self->model;
}

gboolean
adiuva_model_choice_get_is_local (AdiuvaModelChoice *self)
{
  g_return_val_if_fail (ADIUVA_IS_MODEL_CHOICE (self), FALSE);

  return self->is_local;
}

static void
add_choice (GListStore *choices,
            const char *reference,
            const char *provider,
            const char *model,
            gboolean    is_local)
{
  g_autoptr (AdiuvaModelChoice) choice = g_object_new (ADIUVA_TYPE_MODEL_CHOICE,
                                                       "reference", reference,
                                                       "provider", provider,
                                                       "model", model,
                                                       "is-local", is_local,
                                                       NULL);

  g_list_store_append (choices, choice);
}

/* Listing */

typedef struct
{
  AdiuvaWorkspaceGateway *gateway;
  GPtrArray              *providers; /* AdiuvaWorkspaceProvider */
  GPtrArray              *listed;    /* GStrv per provider, NULL where listing failed */
  guint                   pending;
} Listing;

static void
listing_free (Listing *listing)
{
  g_clear_object (&listing->gateway);
  g_clear_pointer (&listing->providers, g_ptr_array_unref);
  g_clear_pointer (&listing->listed, g_ptr_array_unref);
  g_free (listing);
}

typedef struct
{
  GTask *task;
  guint  index;
} ProviderListing;

static int
find_provider (GPtrArray  *providers,
               const char *name)
{
  for (guint i = 0; name != NULL && i < providers->len; i++)
    if (g_str_equal (((AdiuvaWorkspaceProvider *) g_ptr_array_index (providers, i))->name, name))
      return i;
  return -1;
}

/* Embedding models answer no chat: the catalogue says which they are. */
static gboolean
is_chat_model (const AdiuvaProviderInfo *info,
               const char               *id)
{
  const AdiuvaModelInfo *model = info != NULL ? adiuva_provider_info_lookup_model (info, id) : NULL;

  return model == NULL || !(model->capabilities & ADIUVA_MODEL_CAPABILITY_EMBEDDINGS);
}

static void
add_provider_models (GListStore                    *choices,
                     const AdiuvaWorkspaceProvider *provider,
                     const char *const             *listed)
{
  const AdiuvaProviderInfo *info;
  gboolean                  is_local = _adiuva_workspace_provider_is_local (provider, &info);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) ids = NULL;

  if (listed != NULL)
    g_strv_builder_addv (builder, (const char **) listed);
  else
    for (guint i = 0; info != NULL && i < info->n_models; i++)
      g_strv_builder_add (builder, info->models[i].id);
  ids = g_strv_builder_end (builder);

  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autofree char *reference = NULL;

      if (!is_chat_model (info, ids[i]))
        continue;
      reference = g_strconcat (provider->name, "/", ids[i], NULL);
      add_choice (choices, reference, provider->name, ids[i], is_local);
    }
}

static gboolean
add_aliases (GListStore             *choices,
             AdiuvaWorkspaceGateway *gateway,
             GPtrArray              *providers,
             GError                **error)
{
  g_auto (GStrv) aliases = adiuva_workspace_gateway_list_aliases (gateway, error);

  if (aliases == NULL)
    return FALSE;
  for (guint i = 0; aliases[i] != NULL; i++)
    {
      g_autofree char *target = NULL;
      g_autofree char *provider = NULL;
      const char      *slash;
      int              found;

      /* An alias that leads nowhere now cannot be picked. */
      target = adiuva_workspace_gateway_resolve_model (gateway, aliases[i], NULL);
      if (target == NULL || (slash = strchr (target, '/')) == NULL)
        continue;
      provider = g_strndup (target, slash - target);
      found = find_provider (providers, provider);
      add_choice (choices, aliases[i], provider, slash + 1,
                  found >= 0 && _adiuva_workspace_provider_is_local (
                                    g_ptr_array_index (providers, found), NULL));
    }
  return TRUE;
}

static void
finish_listing (GTask *task)
{
  Listing *listing = g_task_get_task_data (task);
  g_autoptr (GListStore) choices = g_list_store_new (ADIUVA_TYPE_MODEL_CHOICE);
  g_autoptr (AdiuvaRouter) router = NULL;
  g_autoptr (GError) error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  /* Local models first, each group in the order the providers were added. */
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < listing->providers->len; i++)
      {
        AdiuvaWorkspaceProvider *provider = g_ptr_array_index (listing->providers, i);
        gboolean                 local_pass = pass == 0;

        if (_adiuva_workspace_provider_is_local (provider, NULL) == local_pass)
          add_provider_models (choices, provider, g_ptr_array_index (listing->listed, i));
      }

  if (!add_aliases (choices, listing->gateway, listing->providers, &error) ||
      (router = adiuva_workspace_gateway_dup_router (listing->gateway, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (adiuva_router_get_n_routes (router) > 0)
    add_choice (choices, ADIUVA_MODEL_AUTO, NULL, NULL, FALSE);

  g_task_return_pointer (task, g_steal_pointer (&choices), g_object_unref);
}

static void
models_listed_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  ProviderListing *provider_listing = user_data;
  g_autoptr (GTask) task = provider_listing->task;
  Listing *listing = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  GStrv models;

  models = adiuva_gateway_client_list_models_finish (ADIUVA_GATEWAY_CLIENT (source), result,
                                                     &error);
  if (models == NULL)
    g_debug ("Cannot list the models of %s; its catalogue, if any, stands in: %s",
             ((AdiuvaWorkspaceProvider *) g_ptr_array_index (listing->providers,
                                                             provider_listing->index))
                 ->name,
             error->message);
  g_ptr_array_index (listing->listed, provider_listing->index) = models;
  g_free (provider_listing);

  if (--listing->pending == 0)
    finish_listing (task);
}

static void
client_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  Listing *listing = g_task_get_task_data (task);
  g_autoptr (AdiuvaGatewayClient) client = NULL;
  g_autoptr (GError) error = NULL;

  /* Without a client (a keyring that cannot be read), the catalogues still say something. */
  client = adiuva_workspace_gateway_get_client_finish (ADIUVA_WORKSPACE_GATEWAY (source), result,
                                                       &error);
  if (client == NULL)
    g_debug ("Models are listed from the catalogue: %s", error->message);

  listing->pending = 1;
  for (guint i = 0; client != NULL && i < listing->providers->len; i++)
    {
      AdiuvaWorkspaceProvider *provider = g_ptr_array_index (listing->providers, i);
      ProviderListing         *provider_listing = g_new0 (ProviderListing, 1);

      provider_listing->task = g_object_ref (task);
      provider_listing->index = i;
      listing->pending++;
      adiuva_gateway_client_list_models_async (client, provider->name,
                                               g_task_get_cancellable (task), models_listed_cb,
                                               provider_listing);
    }
  if (--listing->pending == 0)
    finish_listing (task);
}

/**
 * adiuva_model_choices_list_async:
 * @gateway: the workspace's gateway
 * @cancellable: (nullable): stops the listing
 *
 * Asks every provider of the workspace for its models, all at once; a provider that cannot
 * be reached (or refuses) stands in with its catalogue in the provider table, or with nothing
 * when it has none. Embedding models are left out.
 */
void
adiuva_model_choices_list_async (AdiuvaWorkspaceGateway *gateway,
                                 GCancellable           *cancellable,
                                 GAsyncReadyCallback     callback,
                                 gpointer                user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GError) error = NULL;
  Listing *listing;

  g_return_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (gateway));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (gateway, cancellable, callback, user_data);
  g_task_set_source_tag (task, adiuva_model_choices_list_async);

  listing = g_new0 (Listing, 1);
  listing->gateway = g_object_ref (gateway);
  g_task_set_task_data (task, listing, (GDestroyNotify) listing_free);

  listing->providers = adiuva_workspace_gateway_read_providers (gateway, &error);
  if (listing->providers == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  listing->listed = g_ptr_array_new_full (listing->providers->len, (GDestroyNotify) g_strfreev);
  g_ptr_array_set_size (listing->listed, listing->providers->len);

  /* The keys are read off the main thread when the client has to be built. */
  adiuva_workspace_gateway_get_client_async (gateway, cancellable, client_cb,
                                             g_steal_pointer (&task));
}

/**
 * adiuva_model_choices_list_finish:
 *
 * Returns: (transfer full): the choices (#AdiuvaModelChoice), or %NULL with @error set
 *   when the workspace's settings cannot be read
 */
GListModel *
adiuva_model_choices_list_finish (GAsyncResult *result,
                                  GError      **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == adiuva_model_choices_list_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
