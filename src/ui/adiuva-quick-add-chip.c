/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-quick-add-chip"

#include "config.h"

#include "adiuva-quick-add-chip.h"
#include "adiuva-ui-enums.h"

/* One thing the quick-add entry understood, shown under it while the user types. */
struct _AdiuvaQuickAddChip
{
  GObject                parent_instance;
  AdiuvaQuickAddChipKind kind;
  char                  *label;
  char                  *problem;
};

G_DEFINE_FINAL_TYPE (AdiuvaQuickAddChip, adiuva_quick_add_chip, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_KIND,
  PROP_LABEL,
  PROP_PROBLEM,
  PROP_ICON_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
adiuva_quick_add_chip_finalize (GObject *object)
{
  AdiuvaQuickAddChip *self = ADIUVA_QUICK_ADD_CHIP (object);

  g_free (self->label);
  g_free (self->problem);

  G_OBJECT_CLASS (adiuva_quick_add_chip_parent_class)->finalize (object);
}

static void
adiuva_quick_add_chip_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  AdiuvaQuickAddChip *self = ADIUVA_QUICK_ADD_CHIP (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;
    case PROP_LABEL:
      g_value_set_string (value, self->label);
      break;
    case PROP_PROBLEM:
      g_value_set_string (value, self->problem);
      break;
    case PROP_ICON_NAME:
      g_value_set_string (value, adiuva_quick_add_chip_get_icon_name (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
adiuva_quick_add_chip_class_init (AdiuvaQuickAddChipClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = adiuva_quick_add_chip_finalize;
  object_class->get_property = adiuva_quick_add_chip_get_property;

  properties[PROP_KIND] =
      g_param_spec_enum ("kind", NULL, NULL, ADIUVA_TYPE_QUICK_ADD_CHIP_KIND,
                         ADIUVA_QUICK_ADD_CHIP_DATE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LABEL] =
      g_param_spec_string ("label", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROBLEM] =
      g_param_spec_string ("problem", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ICON_NAME] =
      g_param_spec_string ("icon-name", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
adiuva_quick_add_chip_init (AdiuvaQuickAddChip *self)
{
}

/**
 * adiuva_quick_add_chip_new:
 * @kind: what the chip shows
 * @label: what it says
 * @problem: (nullable): why the task cannot be added as typed (a project that does not exist)
 */
AdiuvaQuickAddChip *
adiuva_quick_add_chip_new (AdiuvaQuickAddChipKind kind,
                           const char            *label,
                           const char            *problem)
{
  AdiuvaQuickAddChip *self;

  g_return_val_if_fail (label != NULL, NULL);

  self = g_object_new (ADIUVA_TYPE_QUICK_ADD_CHIP, NULL);
  self->kind = kind;
  self->label = g_strdup (label);
  self->problem = g_strdup (problem);

  return self;
}

AdiuvaQuickAddChipKind
adiuva_quick_add_chip_get_kind (AdiuvaQuickAddChip *self)
{
  g_return_val_if_fail (ADIUVA_IS_QUICK_ADD_CHIP (self), ADIUVA_QUICK_ADD_CHIP_DATE);

  return self->kind;
}

const char *
adiuva_quick_add_chip_get_label (AdiuvaQuickAddChip *self)
{
  g_return_val_if_fail (ADIUVA_IS_QUICK_ADD_CHIP (self), NULL);

  return self->label;
}

const char *
adiuva_quick_add_chip_get_problem (AdiuvaQuickAddChip *self)
{
  g_return_val_if_fail (ADIUVA_IS_QUICK_ADD_CHIP (self), NULL);

  return self->problem;
}

const char *
adiuva_quick_add_chip_get_icon_name (AdiuvaQuickAddChip *self)
{
  g_return_val_if_fail (ADIUVA_IS_QUICK_ADD_CHIP (self), NULL);

  if (self->problem != NULL)
    return "dialog-warning-symbolic";

  switch (self->kind)
    {
    case ADIUVA_QUICK_ADD_CHIP_DATE:
      return "x-office-calendar-symbolic";
    case ADIUVA_QUICK_ADD_CHIP_PRIORITY:
      return "emoji-flags-symbolic";
    case ADIUVA_QUICK_ADD_CHIP_PROJECT:
      return "folder-symbolic";
    case ADIUVA_QUICK_ADD_CHIP_TAG:
      return NULL;
    default:
      g_assert_not_reached ();
    }
}

gboolean
adiuva_quick_add_chip_equal (AdiuvaQuickAddChip *a,
                             AdiuvaQuickAddChip *b)
{
  g_return_val_if_fail (ADIUVA_IS_QUICK_ADD_CHIP (a), FALSE);
  g_return_val_if_fail (ADIUVA_IS_QUICK_ADD_CHIP (b), FALSE);

  return a->kind == b->kind && g_str_equal (a->label, b->label) &&
         g_strcmp0 (a->problem, b->problem) == 0;
}
