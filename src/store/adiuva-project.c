/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-project"

#include "config.h"

#include "adiuva-project.h"
#include "adiuva-record-private.h"
#include "adiuva-store-enums.h"

/**
 * AdiuvaProject:
 *
 * A project, optionally for a client.
 */
struct _AdiuvaProject
{
  AdiuvaRecord parent_instance;
};

G_DEFINE_FINAL_TYPE (AdiuvaProject, adiuva_project, ADIUVA_TYPE_RECORD)

enum
{
  PROP_0,
  PROP_CLIENT_ID,
  PROP_NAME,
  PROP_DESCRIPTION,
  PROP_COLOUR,
  PROP_STATUS,
  PROP_ARCHIVED,
  PROP_POSITION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *const columns[] = { "client_id", "name", "description", "colour", "status",
                                       "archived", "position", NULL };

static void
adiuva_project_class_init (AdiuvaProjectClass *klass)
{
  GObjectClass      *object_class = G_OBJECT_CLASS (klass);
  AdiuvaRecordClass *record_class = ADIUVA_RECORD_CLASS (klass);

  object_class->get_property = _adiuva_record_get_value_property;
  object_class->set_property = _adiuva_record_set_value_property;

  record_class->table = "projects";
  record_class->entity = ADIUVA_ENTITY_PROJECT;
  record_class->columns = columns;

  properties[PROP_CLIENT_ID] =
      g_param_spec_int64 ("client-id", NULL, NULL, 0, G_MAXINT64, 0, ADIUVA_RECORD_PROP_FLAGS);
  properties[PROP_NAME] =
      g_param_spec_string ("name", NULL, NULL, NULL, ADIUVA_RECORD_PROP_FLAGS);
  properties[PROP_DESCRIPTION] =
      g_param_spec_string ("description", NULL, NULL, NULL, ADIUVA_RECORD_PROP_FLAGS);
  properties[PROP_COLOUR] =
      g_param_spec_string ("colour", NULL, NULL, "#8a8ea9", ADIUVA_RECORD_PROP_FLAGS);
  properties[PROP_STATUS] =
      g_param_spec_enum ("status", NULL, NULL, ADIUVA_TYPE_PROJECT_STATUS,
                         ADIUVA_PROJECT_STATUS_ACTIVE, ADIUVA_RECORD_PROP_FLAGS);
  properties[PROP_ARCHIVED] =
      g_param_spec_boolean ("archived", NULL, NULL, FALSE, ADIUVA_RECORD_PROP_FLAGS);
  properties[PROP_POSITION] =
      g_param_spec_double ("position", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0,
                           ADIUVA_RECORD_PROP_FLAGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
adiuva_project_init (AdiuvaProject *self)
{
}

AdiuvaProject *
adiuva_project_new (void)
{
  return g_object_new (ADIUVA_TYPE_PROJECT, NULL);
}

gint64
adiuva_project_get_client_id (AdiuvaProject *self)
{
  g_return_val_if_fail (ADIUVA_IS_PROJECT (self), 0);

  return g_value_get_int64 (_adiuva_record_peek_value (ADIUVA_RECORD (self), PROP_CLIENT_ID));
}

void
adiuva_project_set_client_id (AdiuvaProject *self,
                              gint64         client_id)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_return_if_fail (ADIUVA_IS_PROJECT (self));

  g_value_init (&value, G_TYPE_INT64);
  g_value_set_int64 (&value, client_id);
  _adiuva_record_set_value_property (G_OBJECT (self), PROP_CLIENT_ID, &value,
                                     properties[PROP_CLIENT_ID]);
}

const char *
adiuva_project_get_name (AdiuvaProject *self)
{
  g_return_val_if_fail (ADIUVA_IS_PROJECT (self), NULL);

  return g_value_get_string (_adiuva_record_peek_value (ADIUVA_RECORD (self), PROP_NAME));
}

void
adiuva_project_set_name (AdiuvaProject *self,
                         const char    *name)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_return_if_fail (ADIUVA_IS_PROJECT (self));

  g_value_init (&value, G_TYPE_STRING);
  g_value_set_string (&value, name);
  _adiuva_record_set_value_property (G_OBJECT (self), PROP_NAME, &value, properties[PROP_NAME]);
}

const char *
adiuva_project_get_description (AdiuvaProject *self)
{
  g_return_val_if_fail (ADIUVA_IS_PROJECT (self), NULL);

  return g_value_get_string (_adiuva_record_peek_value (ADIUVA_RECORD (self), PROP_DESCRIPTION));
}

void
adiuva_project_set_description (AdiuvaProject *self,
                                const char    *description)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_return_if_fail (ADIUVA_IS_PROJECT (self));

  g_value_init (&value, G_TYPE_STRING);
  g_value_set_string (&value, description);
  _adiuva_record_set_value_property (G_OBJECT (self), PROP_DESCRIPTION, &value,
                                     properties[PROP_DESCRIPTION]);
}

const char *
adiuva_project_get_colour (AdiuvaProject *self)
{
  g_return_val_if_fail (ADIUVA_IS_PROJECT (self), NULL);

  return g_value_get_string (_adiuva_record_peek_value (ADIUVA_RECORD (self), PROP_COLOUR));
}

void
adiuva_project_set_colour (AdiuvaProject *self,
                           const char    *colour)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_return_if_fail (ADIUVA_IS_PROJECT (self));

  g_value_init (&value, G_TYPE_STRING);
  g_value_set_string (&value, colour);
  _adiuva_record_set_value_property (G_OBJECT (self), PROP_COLOUR, &value, properties[PROP_COLOUR]);
}

AdiuvaProjectStatus
adiuva_project_get_status (AdiuvaProject *self)
{
  g_return_val_if_fail (ADIUVA_IS_PROJECT (self), 0);

  return g_value_get_enum (_adiuva_record_peek_value (ADIUVA_RECORD (self), PROP_STATUS));
}

void
adiuva_project_set_status (AdiuvaProject      *self,
                           AdiuvaProjectStatus status)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_return_if_fail (ADIUVA_IS_PROJECT (self));

  g_value_init (&value, ADIUVA_TYPE_PROJECT_STATUS);
  g_value_set_enum (&value, status);
  _adiuva_record_set_value_property (G_OBJECT (self), PROP_STATUS, &value, properties[PROP_STATUS]);
}

gboolean
adiuva_project_get_archived (AdiuvaProject *self)
{
  g_return_val_if_fail (ADIUVA_IS_PROJECT (self), 0);

  return g_value_get_boolean (_adiuva_record_peek_value (ADIUVA_RECORD (self), PROP_ARCHIVED));
}

void
adiuva_project_set_archived (AdiuvaProject *self,
                             gboolean       archived)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_return_if_fail (ADIUVA_IS_PROJECT (self));

  g_value_init (&value, G_TYPE_BOOLEAN);
  g_value_set_boolean (&value, archived);
  _adiuva_record_set_value_property (G_OBJECT (self), PROP_ARCHIVED, &value,
                                     properties[PROP_ARCHIVED]);
}

double
adiuva_project_get_position (AdiuvaProject *self)
{
  g_return_val_if_fail (ADIUVA_IS_PROJECT (self), 0);

  return g_value_get_double (_adiuva_record_peek_value (ADIUVA_RECORD (self), PROP_POSITION));
}

void
adiuva_project_set_position (AdiuvaProject *self,
                             double         position)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_return_if_fail (ADIUVA_IS_PROJECT (self));

  g_value_init (&value, G_TYPE_DOUBLE);
  g_value_set_double (&value, position);
  _adiuva_record_set_value_property (G_OBJECT (self), PROP_POSITION, &value,
                                     properties[PROP_POSITION]);
}
