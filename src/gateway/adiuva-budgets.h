/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * AdiuvaBudgetScope:
 * @ADIUVA_BUDGET_GLOBAL: every call of the workspace
 * @ADIUVA_BUDGET_PROVIDER: the calls to one provider (by the user's name for it)
 * @ADIUVA_BUDGET_CALLER: the calls of one caller (`chat`, `template:NAME`, `plugin:NAME`…)
 *
 * What a budget counts.
 */
typedef enum
{
  ADIUVA_BUDGET_GLOBAL,
  ADIUVA_BUDGET_PROVIDER,
  ADIUVA_BUDGET_CALLER,
} AdiuvaBudgetScope;

/**
 * AdiuvaBudgetPeriod:
 * @ADIUVA_BUDGET_DAY: from local midnight to the next
 * @ADIUVA_BUDGET_MONTH: from local midnight of the first of the month to the next first
 */
typedef enum
{
  ADIUVA_BUDGET_DAY,
  ADIUVA_BUDGET_MONTH,
} AdiuvaBudgetPeriod;

typedef struct _AdiuvaBudgets AdiuvaBudgets;

AdiuvaBudgets *adiuva_budgets_new (void);
void           adiuva_budgets_free (AdiuvaBudgets *self);

void     adiuva_budgets_set (AdiuvaBudgets     *self,
                             AdiuvaBudgetScope  scope,
                             const char        *name,
                             AdiuvaBudgetPeriod period,
                             gint64             max_tokens,
                             double             max_cost);
gboolean adiuva_budgets_get (AdiuvaBudgets     *self,
                             AdiuvaBudgetScope  scope,
                             const char        *name,
                             AdiuvaBudgetPeriod period,
                             gint64            *max_tokens,
                             double            *max_cost);

void adiuva_budgets_add_spent (AdiuvaBudgets *self,
                               const char    *caller,
                               const char    *provider,
                               gint64         tokens,
                               double         cost,
                               gint64         when_unix);
void adiuva_budgets_get_spent (AdiuvaBudgets     *self,
                               AdiuvaBudgetScope  scope,
                               const char        *name,
                               AdiuvaBudgetPeriod period,
                               gint64            *tokens,
                               double            *cost);

gboolean   adiuva_budgets_check (AdiuvaBudgets    *self,
                                 AdiuvaBudgetScope scope,
                                 const char       *name,
                                 GError          **error);
GDateTime *adiuva_budgets_dup_reset_time (AdiuvaBudgets     *self,
                                          AdiuvaBudgetPeriod period);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AdiuvaBudgets, adiuva_budgets_free)

G_END_DECLS
