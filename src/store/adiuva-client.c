/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-client"

#include "config.h"

#include "adiuva-client.h"
#include "adiuva-record-private.h"
#include "adiuva-store-enums.h"

/**
 * AdiuvaClient:
 *
 * A client: someone the user works for.
 */
struct _AdiuvaClient
{
  AdiuvaRecord parent_instance;
};

G_DEFINE_FINAL_TYPE (AdiuvaClient, adiuva_client, ADIUVA_TYPE_RECORD)

enum
{
  PROP_0,
  PROP_NAME,
  PROP_EMAIL,
  PROP_NOTES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *const columns[] = { "name", "email", "notes", NULL };

static void
adiuva_client_class_init (AdiuvaClientClass *klass)
{
  GObjectClass      *object_class = G_OBJECT_CLASS (klass);
  AdiuvaRecordClass *record_class = ADIUVA_RECORD_CLASS (klass);

  object_class->get_property = _adiuva_record_get_value_property;
  object_class->set_property = _adiuva_record_set_value_property;

  record_class->table = "clients";
  record_class->entity = ADIUVA_ENTITY_CLIENT;
  record_class->columns = columns;

  properties[PROP_NAME] =
      g_param_spec_string ("name", NULL, NULL, NULL, ADIUVA_RECORD_PROP_FLAGS);
  properties[PROP_EMAIL] =
      g_param_spec_string ("email", NULL, NULL, NULL, ADIUVA_RECORD_PROP_FLAGS);
  properties[PROP_NOTES] =
      g_param_spec_string ("notes", NULL, NULL, NULL, ADIUVA_RECORD_PROP_FLAGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
adiuva_client_init (AdiuvaClient *self)
{
}

AdiuvaClient *
adiuva_client_new (void)
{
  return g_object_new (ADIUVA_TYPE_CLIENT, NULL);
}

const char *
adiuva_client_get_name (AdiuvaClient *self)
{
  g_return_val_if_fail (ADIUVA_IS_CLIENT (self), NULL);

  return g_value_get_string (_adiuva_record_peek_value (ADIUVA_RECORD (self), PROP_NAME));
}

void
adiuva_client_set_name (AdiuvaClient *self,
                        const char   *name)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_return_if_fail (ADIUVA_IS_CLIENT (self));

  g_value_init (&value, G_TYPE_STRING);
  g_value_set_string (&value, name);
  _adiuva_record_set_value_property (G_OBJECT (self), PROP_NAME, &value, properties[PROP_NAME]);
}

const char *
adiuva_client_get_email (AdiuvaClient *self)
{
  g_return_val_if_fail (ADIUVA_IS_CLIENT (self), NULL);

  return g_value_get_string (_adiuva_record_peek_value (ADIUVA_RECORD (self), PROP_EMAIL));
}

void
adiuva_client_set_email (AdiuvaClient *self,
                         const char   *email)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_return_if_fail (ADIUVA_IS_CLIENT (self));

  g_value_init (&value, G_TYPE_STRING);
  g_value_set_string (&value, email);
  _adiuva_record_set_value_property (G_OBJECT (self), PROP_EMAIL, &value, properties[PROP_EMAIL]);
}

const char *
adiuva_client_get_notes (AdiuvaClient *self)
{
  g_return_val_if_fail (ADIUVA_IS_CLIENT (self), NULL);

  return g_value_get_string (_adiuva_record_peek_value (ADIUVA_RECORD (self), PROP_NOTES));
}

void
adiuva_client_set_notes (AdiuvaClient *self,
                         const char   *notes)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_return_if_fail (ADIUVA_IS_CLIENT (self));

  g_value_init (&value, G_TYPE_STRING);
  g_value_set_string (&value, notes);
  _adiuva_record_set_value_property (G_OBJECT (self), PROP_NOTES, &value, properties[PROP_NOTES]);
}
