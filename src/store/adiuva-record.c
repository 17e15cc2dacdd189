/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-record"

#include "config.h"

#include <string.h>

#include "adiuva-record-private.h"

typedef struct
{
  gint64  id;
  gint64  created_at;
  gint64  updated_at;
  GValue *values;
  guint   n_values;
} AdiuvaRecordPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (AdiuvaRecord, adiuva_record, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_CREATED_AT,
  PROP_UPDATED_AT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
adiuva_record_finalize (GObject *object)
{
  AdiuvaRecordPrivate *priv = adiuva_record_get_instance_private (ADIUVA_RECORD (object));

  for (guint i = 0; i < priv->n_values; i++)
    g_value_unset (&priv->values[i]);
  g_clear_pointer (&priv->values, g_free);

  G_OBJECT_CLASS (adiuva_record_parent_class)->finalize (object);
}

static void
adiuva_record_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  AdiuvaRecordPrivate *priv = adiuva_record_get_instance_private (ADIUVA_RECORD (object));

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, priv->id);
      break;

    case PROP_CREATED_AT:
      g_value_set_int64 (value, priv->created_at);
      break;

    case PROP_UPDATED_AT:
      g_value_set_int64 (value, priv->updated_at);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
adiuva_record_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  AdiuvaRecord *self = ADIUVA_RECORD (object);

  switch (prop_id)
    {
    case PROP_ID:
      _adiuva_record_set_id (self, g_value_get_int64 (value));
      break;

    case PROP_CREATED_AT:
    case PROP_UPDATED_AT:
      /* Construct-only: only the store sets these when it loads a row. */
      {
        AdiuvaRecordPrivate *priv = adiuva_record_get_instance_private (self);

        if (prop_id == PROP_CREATED_AT)
          priv->created_at = g_value_get_int64 (value);
        else
          priv->updated_at = g_value_get_int64 (value);
      }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
adiuva_record_class_init (AdiuvaRecordClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = adiuva_record_finalize;
  object_class->get_property = adiuva_record_get_property;
  object_class->set_property = adiuva_record_set_property;

  properties[PROP_ID] =
      g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CREATED_AT] =
      g_param_spec_int64 ("created-at", NULL, NULL, 0, G_MAXINT64, 0,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_UPDATED_AT] =
      g_param_spec_int64 ("updated-at", NULL, NULL, 0, G_MAXINT64, 0,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
adiuva_record_init (AdiuvaRecord *self)
{
}

/* The subclass properties of a record type, by param_id, with their defaults: worked out once
 * per type, as records are made by the hundred thousand. */
typedef struct
{
  guint        n_values;
  GParamSpec **pspecs;
  GValue      *defaults;
} ValueLayout;

static const ValueLayout *
get_layout (GType type)
{
  static GQuark quark;
  static GMutex lock;
  g_autoptr (GMutexLocker) locker = NULL;
  g_autoptr (GTypeClass) klass = NULL;
  g_autofree GParamSpec **pspecs = NULL;
  ValueLayout            *layout;
  guint                   n_pspecs;

  if (quark == 0)
    quark = g_quark_from_static_string ("adiuva-record-layout");

  layout = g_type_get_qdata (type, quark);
  if (layout != NULL)
    return layout;

  locker = g_mutex_locker_new (&lock);
  layout = g_type_get_qdata (type, quark);
  if (layout != NULL)
    return layout;

  klass = g_type_class_ref (type);
  layout = g_new0 (ValueLayout, 1);
  pspecs = g_object_class_list_properties (G_OBJECT_CLASS (klass), &n_pspecs);
  for (guint i = 0; i < n_pspecs; i++)
    if (pspecs[i]->owner_type != ADIUVA_TYPE_RECORD)
      layout->n_values = MAX (layout->n_values, pspecs[i]->param_id);

  layout->pspecs = g_new0 (GParamSpec *, MAX (layout->n_values, 1));
  layout->defaults = g_new0 (GValue, MAX (layout->n_values, 1));
  for (guint i = 0; i < n_pspecs; i++)
    {
      GParamSpec *pspec = pspecs[i];

      if (pspec->owner_type == ADIUVA_TYPE_RECORD)
        continue;

      layout->pspecs[pspec->param_id - 1] = pspec;
      g_value_init (&layout->defaults[pspec->param_id - 1], pspec->value_type);
      g_param_value_set_default (pspec, &layout->defaults[pspec->param_id - 1]);
    }

  /* Kept for the life of the type, like the type itself. */
  g_type_set_qdata (type, quark, layout);
  return layout;
}

/* Subclass properties are plain values kept here; their param_id indexes the array. Made on
 * first use, as during instance init the instance still wears the base class. */
static GValue *
ensure_values (AdiuvaRecord *self)
{
  AdiuvaRecordPrivate *priv = adiuva_record_get_instance_private (self);
  const ValueLayout   *layout;

  if (priv->values != NULL)
    return priv->values;

  layout = get_layout (G_OBJECT_TYPE (self));
  priv->n_values = layout->n_values;
  priv->values = g_new0 (GValue, MAX (priv->n_values, 1));
  for (guint i = 0; i < priv->n_values; i++)
    {
      g_value_init (&priv->values[i], G_VALUE_TYPE (&layout->defaults[i]));
      g_value_copy (&layout->defaults[i], &priv->values[i]);
    }

  return priv->values;
}

void
_adiuva_record_get_value_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  AdiuvaRecordPrivate *priv = adiuva_record_get_instance_private (ADIUVA_RECORD (object));
  GValue              *values = ensure_values (ADIUVA_RECORD (object));

  g_assert (prop_id >= 1 && prop_id <= priv->n_values);

  g_value_copy (&values[prop_id - 1], value);
}

void
_adiuva_record_set_value_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  AdiuvaRecordPrivate *priv = adiuva_record_get_instance_private (ADIUVA_RECORD (object));
  GValue              *slot = ensure_values (ADIUVA_RECORD (object));

  g_assert (prop_id >= 1 && prop_id <= priv->n_values);

  slot += prop_id - 1;
  if (g_param_values_cmp (pspec, slot, value) == 0)
    return;

  g_value_copy (value, slot);
  g_object_notify_by_pspec (object, pspec);
}

/* Moves @value into the record without notifying: for the store, filling a record it has just
 * made and nobody watches yet. */
void
_adiuva_record_take_value (AdiuvaRecord *self,
                           guint         prop_id,
                           GValue       *value)
{
  AdiuvaRecordPrivate *priv = adiuva_record_get_instance_private (self);
  GValue              *slot = ensure_values (self);

  g_assert (prop_id >= 1 && prop_id <= priv->n_values);

  slot += prop_id - 1;
  g_value_unset (slot);
  *slot = *value;
  memset (value, 0, sizeof *value);
}

const GValue *
_adiuva_record_peek_value (AdiuvaRecord *self,
                           guint         prop_id)
{
  AdiuvaRecordPrivate *priv = adiuva_record_get_instance_private (self);
  GValue              *values = ensure_values (self);

  g_assert (prop_id >= 1 && prop_id <= priv->n_values);

  return &values[prop_id - 1];
}

gint64
adiuva_record_get_id (AdiuvaRecord *self)
{
  AdiuvaRecordPrivate *priv = adiuva_record_get_instance_private (self);

  g_return_val_if_fail (ADIUVA_IS_RECORD (self), 0);

  return priv->id;
}

gint64
adiuva_record_get_created_at (AdiuvaRecord *self)
{
  AdiuvaRecordPrivate *priv = adiuva_record_get_instance_private (self);

  g_return_val_if_fail (ADIUVA_IS_RECORD (self), 0);

  return priv->created_at;
}

gint64
adiuva_record_get_updated_at (AdiuvaRecord *self)
{
  AdiuvaRecordPrivate *priv = adiuva_record_get_instance_private (self);

  g_return_val_if_fail (ADIUVA_IS_RECORD (self), 0);

  return priv->updated_at;
}

void
_adiuva_record_set_id (AdiuvaRecord *self,
                       gint64        id)
{
  AdiuvaRecordPrivate *priv = adiuva_record_get_instance_private (self);

  if (priv->id != id)
    {
      priv->id = id;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
    }
}

void
_adiuva_record_set_times (AdiuvaRecord *self,
                          gint64        created_at,
                          gint64        updated_at)
{
  AdiuvaRecordPrivate *priv = adiuva_record_get_instance_private (self);

  priv->created_at = created_at;
  priv->updated_at = updated_at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATED_AT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UPDATED_AT]);
}
