/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-limits"

#include "config.h"

/*
 * The user's limits: token buckets and budgets on their own with an injected clock, then an
 * AdiuvaGatewayClient obeying them against the real adiuva-test-provider (budget refusals
 * that send nothing, provider budgets falling back, rate limits that wait or move on,
 * reconciliation from reported usage, the kill switch ending a rate-limit wait), and the
 * running statistics the UI shows.
 */

#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "adiuva-budgets-private.h"
#include "adiuva-gateway-client-private.h"
#include "adiuva-gateway.h"
#include "adiuva-rate-limiter-private.h"
#include "test-provider-fixture.h"

/* Every debug line of the gateway, to see that a call waited for a rate limit. */
static GString *debug_log;

static gint64
fake_clock (gpointer user_data)
{
  return *(gint64 *) user_data;
}

/* Microseconds since the epoch of a UTC time; tests run with TZ=UTC, so it is local too. */
static gint64
utc_us (int year,
        int month,
        int day,
        int hour,
        int minute,
        int second)
{
  g_autoptr (GDateTime) t = g_date_time_new_utc (year, month, day, hour, minute, second);

  return g_date_time_to_unix (t) * G_USEC_PER_SEC;
}

/* Unit tests: token buckets */

static void
test_bucket_requests (void)
{
  g_autoptr (AdiuvaRateLimiter) limiter = adiuva_rate_limiter_new ();
  g_autoptr (GError) error = NULL;
  gint64 now = 1000 * G_USEC_PER_SEC;
  gint64 wait;
  guint  rpm, tpm;

  _adiuva_rate_limiter_set_clock (limiter, fake_clock, &now);
  g_assert_true (adiuva_rate_limiter_acquire (limiter, "oa", "m", 10, &wait, &error));
  g_assert_no_error (error);

  adiuva_rate_limiter_set_limit (limiter, "oa", "m", 2, 0);
  g_assert_true (adiuva_rate_limiter_get_limit (limiter, "oa", "m", &rpm, &tpm));
  g_assert_cmpuint (rpm, ==, 2);
  g_assert_cmpuint (tpm, ==, 0);
  g_assert_false (adiuva_rate_limiter_get_limit (limiter, "oa", NULL, &rpm, &tpm));

  /* A full minute's worth at once, then one every 30 s. */
  g_assert_true (adiuva_rate_limiter_acquire (limiter, "oa", "m", 10, &wait, &error));
  g_assert_true (adiuva_rate_limiter_acquire (limiter, "oa", "m", 10, &wait, &error));
  g_assert_no_error (error);
  g_assert_false (adiuva_rate_limiter_acquire (limiter, "oa", "m", 10, &wait, &error));
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_RATE_LIMITED);
  g_assert_nonnull (strstr (error->message, "oa/m"));
  g_assert_nonnull (strstr (error->message, "2 requests a minute"));
  g_assert_nonnull (strstr (error->message, "frees up in 30 seconds"));
  g_assert_cmpint (wait, >=, 30 * G_USEC_PER_SEC);
  g_assert_cmpint (wait, <=, 30 * G_USEC_PER_SEC + 1);
  g_clear_error (&error);

  /* Other models and providers are not held. */
  g_assert_true (adiuva_rate_limiter_acquire (limiter, "oa", "other", 10, &wait, NULL));
  g_assert_true (adiuva_rate_limiter_acquire (limiter, "an", "m", 10, &wait, NULL));

  /* Refilled continuously: half a minute gives one request back. */
  now += 15 * G_USEC_PER_SEC;
  g_assert_false (adiuva_rate_limiter_acquire (limiter, "oa", "m", 10, &wait, NULL));
  g_assert_cmpint (wait, >, 14 * G_USEC_PER_SEC);
  now += wait;
  g_assert_true (adiuva_rate_limiter_acquire (limiter, "oa", "m", 10, &wait, NULL));
  g_assert_false (adiuva_rate_limiter_acquire (limiter, "oa", "m", 10, &wait, NULL));

  /* Removed: everything passes again. */
  adiuva_rate_limiter_set_limit (limiter, "oa", "m", 0, 0);
  g_assert_true (adiuva_rate_limiter_acquire (limiter, "oa", "m", 10, &wait, NULL));
  g_assert_cmpint (wait, ==, 0);
}

static void
test_bucket_tokens (void)
{
  g_autoptr (AdiuvaRateLimiter) limiter = adiuva_rate_limiter_new ();
  g_autoptr (GError) error = NULL;
  gint64 now = 0;
  gint64 wait;

  _adiuva_rate_limiter_set_clock (limiter, fake_clock, &now);
  adiuva_rate_limiter_set_limit (limiter, "oa", NULL, 0, 1000);

  g_assert_true (adiuva_rate_limiter_acquire (limiter, "oa", "m", 800, &wait, NULL));
  g_assert_false (adiuva_rate_limiter_acquire (limiter, "oa", "m", 300, &wait, &error));
  g_assert_nonnull (strstr (error->message, "1000 tokens a minute"));
  /* 100 tokens short at 1000 a minute: 6 s. */
  g_assert_cmpint (wait, >=, 6 * G_USEC_PER_SEC);
  g_assert_cmpint (wait, <=, 6 * G_USEC_PER_SEC + 1);

  /* The answer used 100 of the 800 taken: 700 come back. */
  adiuva_rate_limiter_reconcile (limiter, "oa", "m", 800, 100);
  g_assert_true (adiuva_rate_limiter_acquire (limiter, "oa", "m", 300, &wait, NULL));
  g_assert_true (adiuva_rate_limiter_acquire (limiter, "oa", "m", 600, &wait, NULL));
  g_assert_false (adiuva_rate_limiter_acquire (limiter, "oa", "m", 1, &wait, NULL));

  /* Never above a full bucket, whatever comes back. */
  adiuva_rate_limiter_reconcile (limiter, "oa", "m", 5000, 0);
  g_assert_true (adiuva_rate_limiter_acquire (limiter, "oa", "m", 1000, &wait, NULL));
  g_assert_false (adiuva_rate_limiter_acquire (limiter, "oa", "m", 1, &wait, NULL));

  /* An answer longer than its estimate leaves a debt that later requests wait out. */
  now += 60 * G_USEC_PER_SEC;
  g_assert_true (adiuva_rate_limiter_acquire (limiter, "oa", "m", 100, &wait, NULL));
  adiuva_rate_limiter_reconcile (limiter, "oa", "m", 100, 1600);
  g_assert_false (adiuva_rate_limiter_acquire (limiter, "oa", "m", 10, &wait, NULL));
  /* 600 in debt, 10 needed: 36.6 s. */
  g_assert_cmpint (wait, >=, 36600 * 1000);
  g_assert_cmpint (wait, <=, 36600 * 1000 + 1);

  /* A request larger than the limit passes on a full bucket rather than never. */
  now += 120 * G_USEC_PER_SEC;
  g_assert_true (adiuva_rate_limiter_acquire (limiter, "oa", "m", 5000, &wait, NULL));
  g_assert_false (adiuva_rate_limiter_acquire (limiter, "oa", "m", 1, &wait, NULL));
}

static void
test_bucket_provider_and_model (void)
{
  g_autoptr (AdiuvaRateLimiter) limiter = adiuva_rate_limiter_new ();
  g_autoptr (GError) error = NULL;
  gint64 now = 0;
  gint64 wait;

  _adiuva_rate_limiter_set_clock (limiter, fake_clock, &now);
  adiuva_rate_limiter_set_limit (limiter, "oa", NULL, 3, 0);
  adiuva_rate_limiter_set_limit (limiter, "oa", "small", 1, 0);

  /* The model's own limit holds first; its request counts for the provider too. */
  g_assert_true (adiuva_rate_limiter_acquire (limiter, "oa", "small", 1, &wait, NULL));
  g_assert_false (adiuva_rate_limiter_acquire (limiter, "oa", "small", 1, &wait, &error));
  g_assert_nonnull (strstr (error->message, "oa/small"));
  g_assert_cmpint (wait, >=, 60 * G_USEC_PER_SEC);
  g_clear_error (&error);

  /* A refused request takes nothing: the provider still has two. */
  g_assert_true (adiuva_rate_limiter_acquire (limiter, "oa", "big", 1, &wait, NULL));
  g_assert_true (adiuva_rate_limiter_acquire (limiter, "oa", "big", 1, &wait, NULL));
  g_assert_false (adiuva_rate_limiter_acquire (limiter, "oa", "big", 1, &wait, &error));
  g_assert_nonnull (strstr (error->message, "of oa ("));
  g_assert_cmpint (wait, >=, 20 * G_USEC_PER_SEC);
  g_assert_cmpint (wait, <=, 20 * G_USEC_PER_SEC + 1);
}

static void
test_estimate (void)
{
  g_autoptr (AdiuvaChatRequest) request = adiuva_chat_request_new ("m");
  g_autoptr (AdiuvaChatMessage) system = adiuva_chat_message_new_text (ADIUVA_ROLE_SYSTEM, "Be brief, café.");
  g_autoptr (AdiuvaChatMessage) user = adiuva_chat_message_new_text (ADIUVA_ROLE_USER, "Count from one to five.");
  g_autoptr (AdiuvaChatMessage) image = adiuva_chat_message_new (ADIUVA_ROLE_USER);

  /* 38 characters (not bytes: “é” is one), rounded up to 10 tokens. */
  adiuva_chat_request_add_message (request, system);
  adiuva_chat_request_add_message (request, user);
  g_assert_cmpint (g_utf8_strlen ("Be brief, café.Count from one to five.", -1), ==, 38);
  request->max_tokens = 100;
  g_assert_cmpint (adiuva_rate_limiter_estimate_tokens (request), ==, 10 + 100);

  request->max_tokens = 0;
  g_assert_cmpint (adiuva_rate_limiter_estimate_tokens (request), ==, 10 + 1024);

  adiuva_chat_message_add_image (image, "image/png", NULL, "https://example.org/a.png");
  adiuva_chat_request_add_message (request, image);
  g_assert_cmpint (adiuva_rate_limiter_estimate_tokens (request), ==, 10 + 1000 + 1024);
}

/* Unit tests: budgets */

static void
test_budget_tokens (void)
{
  g_autoptr (AdiuvaBudgets) budgets = adiuva_budgets_new ();
  g_autoptr (GError) error = NULL;
  gint64 now = utc_us (2026, 11, 21, 10, 0, 0);
  gint64 max_tokens, tokens;
  double max_cost, cost;

  _adiuva_budgets_set_clock (budgets, fake_clock, &now);
  g_assert_false (adiuva_budgets_get (budgets, ADIUVA_BUDGET_GLOBAL, NULL, ADIUVA_BUDGET_DAY,
                                      &max_tokens, &max_cost));
  adiuva_budgets_set (budgets, ADIUVA_BUDGET_GLOBAL, NULL, ADIUVA_BUDGET_DAY, 100, -1);
  g_assert_true (adiuva_budgets_get (budgets, ADIUVA_BUDGET_GLOBAL, NULL, ADIUVA_BUDGET_DAY,
                                     &max_tokens, &max_cost));
  g_assert_cmpint (max_tokens, ==, 100);
  g_assert_cmpfloat (max_cost, <, 0);

  adiuva_budgets_add_spent (budgets, "chat", "oa", 60, 0.01, -1);
  g_assert_true (adiuva_budgets_check (budgets, ADIUVA_BUDGET_GLOBAL, NULL, &error));
  g_assert_no_error (error);
  adiuva_budgets_add_spent (budgets, "plugin:x", "an", 40, 0.02, -1);
  g_assert_false (adiuva_budgets_check (budgets, ADIUVA_BUDGET_GLOBAL, NULL, &error));
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_BUDGET);
  g_assert_cmpstr (error->message, ==, "The daily budget of the workspace is used up: 100 of 100 "
                                       "tokens spent. It resets at 2026-11-22 00:00.");
  g_clear_error (&error);

  /* Spending is counted for the workspace, the caller and the provider alike. */
  adiuva_budgets_get_spent (budgets, ADIUVA_BUDGET_GLOBAL, NULL, ADIUVA_BUDGET_MONTH, &tokens, &cost);
  g_assert_cmpint (tokens, ==, 100);
  g_assert_cmpfloat_with_epsilon (cost, 0.03, 1e-9);
  adiuva_budgets_get_spent (budgets, ADIUVA_BUDGET_CALLER, "chat", ADIUVA_BUDGET_DAY, &tokens, &cost);
  g_assert_cmpint (tokens, ==, 60);
  adiuva_budgets_get_spent (budgets, ADIUVA_BUDGET_PROVIDER, "an", ADIUVA_BUDGET_DAY, &tokens, &cost);
  g_assert_cmpint (tokens, ==, 40);
  g_assert_cmpfloat_with_epsilon (cost, 0.02, 1e-9);

  /* Scopes without a budget pass; removing the budget lets everything pass. */
  g_assert_true (adiuva_budgets_check (budgets, ADIUVA_BUDGET_CALLER, "chat", NULL));
  adiuva_budgets_set (budgets, ADIUVA_BUDGET_GLOBAL, NULL, ADIUVA_BUDGET_DAY, -1, -1);
  g_assert_true (adiuva_budgets_check (budgets, ADIUVA_BUDGET_GLOBAL, NULL, NULL));
}

static void
test_budget_scopes_and_cost (void)
{
  g_autoptr (AdiuvaBudgets) budgets = adiuva_budgets_new ();
  g_autoptr (GError) error = NULL;
  gint64 now = utc_us (2026, 11, 21, 10, 0, 0);

  _adiuva_budgets_set_clock (budgets, fake_clock, &now);
  adiuva_budgets_set (budgets, ADIUVA_BUDGET_PROVIDER, "oa", ADIUVA_BUDGET_MONTH, -1, 5);
  adiuva_budgets_set (budgets, ADIUVA_BUDGET_CALLER, "plugin:invoices", ADIUVA_BUDGET_DAY, 1000,
                      0.5);

  adiuva_budgets_add_spent (budgets, "chat", "oa", 10, 4.99, -1);
  g_assert_true (adiuva_budgets_check (budgets, ADIUVA_BUDGET_PROVIDER, "oa", NULL));
  adiuva_budgets_add_spent (budgets, "plugin:invoices", "an", 10, 0.5, -1);
  g_assert_false (adiuva_budgets_check (budgets, ADIUVA_BUDGET_CALLER, "plugin:invoices", &error));
  g_assert_cmpstr (error->message, ==, "The daily budget of caller “plugin:invoices” is used up: "
                                       "0.5000 of 0.5000 USD spent. It resets at 2026-11-22 00:00.");
  g_clear_error (&error);
  /* Its spending was at "an", not at "oa". */
  g_assert_true (adiuva_budgets_check (budgets, ADIUVA_BUDGET_PROVIDER, "oa", NULL));
  g_assert_true (adiuva_budgets_check (budgets, ADIUVA_BUDGET_CALLER, "chat", NULL));

  adiuva_budgets_add_spent (budgets, "chat", "oa", 10, 0.02, -1);
  g_assert_false (adiuva_budgets_check (budgets, ADIUVA_BUDGET_PROVIDER, "oa", &error));
  g_assert_cmpstr (error->message, ==, "The monthly budget of provider “oa” is used up: 5.01 of "
                                       "5.00 USD spent. It resets at 2026-12-01 00:00.");
}

static void
test_budget_rollover (void)
{
  g_autoptr (AdiuvaBudgets) budgets = adiuva_budgets_new ();
  g_autoptr (GDateTime) reset = NULL;
  g_autofree char *text = NULL;
  gint64           now = utc_us (2026, 11, 30, 23, 59, 0);
  gint64           tokens;

  _adiuva_budgets_set_clock (budgets, fake_clock, &now);
  adiuva_budgets_set (budgets, ADIUVA_BUDGET_GLOBAL, NULL, ADIUVA_BUDGET_DAY, 100, -1);
  adiuva_budgets_set (budgets, ADIUVA_BUDGET_GLOBAL, NULL, ADIUVA_BUDGET_MONTH, 300, -1);

  /* Seeded from a call log: today, earlier this month, last month. */
  adiuva_budgets_add_spent (budgets, "chat", "oa", 100, 0, utc_us (2026, 11, 30, 8, 0, 0) / G_USEC_PER_SEC);
  adiuva_budgets_add_spent (budgets, "chat", "oa", 150, 0, utc_us (2026, 11, 2, 8, 0, 0) / G_USEC_PER_SEC);
  adiuva_budgets_add_spent (budgets, "chat", "oa", 999, 0, utc_us (2026, 10, 31, 23, 0, 0) / G_USEC_PER_SEC);
  adiuva_budgets_get_spent (budgets, ADIUVA_BUDGET_GLOBAL, NULL, ADIUVA_BUDGET_DAY, &tokens, NULL);
  g_assert_cmpint (tokens, ==, 100);
  adiuva_budgets_get_spent (budgets, ADIUVA_BUDGET_GLOBAL, NULL, ADIUVA_BUDGET_MONTH, &tokens, NULL);
  g_assert_cmpint (tokens, ==, 250);
  g_assert_false (adiuva_budgets_check (budgets, ADIUVA_BUDGET_GLOBAL, NULL, NULL));

  reset = adiuva_budgets_dup_reset_time (budgets, ADIUVA_BUDGET_DAY);
  text = g_date_time_format (reset, "%F %T");
  g_assert_cmpstr (text, ==, "2026-12-01 00:00:00");
  g_clear_pointer (&reset, g_date_time_unref);
  g_clear_pointer (&text, g_free);

  /* Past midnight a new day and a new month begin. */
  now = utc_us (2026, 12, 1, 0, 0, 1);
  g_assert_true (adiuva_budgets_check (budgets, ADIUVA_BUDGET_GLOBAL, NULL, NULL));
  adiuva_budgets_get_spent (budgets, ADIUVA_BUDGET_GLOBAL, NULL, ADIUVA_BUDGET_MONTH, &tokens, NULL);
  g_assert_cmpint (tokens, ==, 0);
  reset = adiuva_budgets_dup_reset_time (budgets, ADIUVA_BUDGET_MONTH);
  text = g_date_time_format (reset, "%F %T");
  g_assert_cmpstr (text, ==, "2027-01-01 00:00:00");

  /* Within the month, the next day keeps the month's spending only. */
  adiuva_budgets_add_spent (budgets, "chat", "oa", 100, 0, -1);
  g_assert_false (adiuva_budgets_check (budgets, ADIUVA_BUDGET_GLOBAL, NULL, NULL));
  now = utc_us (2026, 12, 2, 0, 0, 0);
  g_assert_true (adiuva_budgets_check (budgets, ADIUVA_BUDGET_GLOBAL, NULL, NULL));
  adiuva_budgets_get_spent (budgets, ADIUVA_BUDGET_GLOBAL, NULL, ADIUVA_BUDGET_MONTH, &tokens, NULL);
  g_assert_cmpint (tokens, ==, 100);
}

/* Unit tests: statistics */

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *n_added)
{
  g_assert_cmpuint (removed, ==, 0);
  *n_added += added;
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *n)
{
  (*n)++;
}

static void
add_metrics (AdiuvaGatewayStats *stats,
             const char         *provider,
             const char         *outcome,
             gint64              ttft_ms,
             gint64              tokens_out,
             double              tps)
{
  g_autoptr (AdiuvaCallMetrics) m = adiuva_call_metrics_new ();

  m->provider = g_strdup (provider);
  m->model = g_strdup ("m");
  m->outcome = g_strdup (outcome);
  m->time_to_first_token_us = ttft_ms < 0 ? -1 : ttft_ms * 1000;
  m->usage.input_tokens = 10;
  m->usage.output_tokens = tokens_out;
  m->tokens_per_second = tps;
  m->cost = 0.25;
  adiuva_gateway_stats_add (stats, m);
}

static void
test_stats (void)
{
  g_autoptr (AdiuvaGatewayStats) stats = adiuva_gateway_stats_new ();
  g_autoptr (AdiuvaModelStats) first = NULL;
  AdiuvaModelStats *row;
  guint             n_added = 0;
  guint             n_notified = 0;
  guint64           calls;
  double            p95;
  char             *outcome;

  g_signal_connect (stats, "items-changed", G_CALLBACK (items_changed_cb), &n_added);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (stats)) == ADIUVA_TYPE_MODEL_STATS);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (stats)), ==, 0);

  /* 20 answers from 1 to 20 ms: the mean is 10.5 ms, the 95th percentile 19 ms. */
  for (guint i = 1; i <= 20; i++)
    add_metrics (stats, "oa", "ok", i, 5, 100);
  first = g_list_model_get_item (G_LIST_MODEL (stats), 0);
  g_signal_connect (first, "notify::failures", G_CALLBACK (count_notify_cb), &n_notified);
  add_metrics (stats, "oa", "error:server", -1, -1, 0);
  g_assert_cmpuint (n_notified, ==, 1);
  add_metrics (stats, "an", "ok", 50, 7, 10);

  g_assert_cmpuint (n_added, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (stats)), ==, 2);
  row = adiuva_gateway_stats_lookup (stats, "oa", "m");
  g_assert_true (row == first);
  g_assert_cmpuint (adiuva_model_stats_get_calls (row), ==, 21);
  g_assert_cmpuint (adiuva_model_stats_get_failures (row), ==, 1);
  g_assert_cmpuint (adiuva_model_stats_get_input_tokens (row), ==, 210);
  g_assert_cmpuint (adiuva_model_stats_get_output_tokens (row), ==, 100);
  g_assert_cmpfloat_with_epsilon (adiuva_model_stats_get_cost (row), 21 * 0.25, 1e-9);
  g_assert_cmpfloat_with_epsilon (adiuva_model_stats_get_mean_time_to_first_token (row), 10.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (adiuva_model_stats_get_p95_time_to_first_token (row), 19, 1e-9);
  g_assert_cmpfloat_with_epsilon (adiuva_model_stats_get_mean_tokens_per_second (row), 100, 1e-9);
  g_assert_cmpstr (adiuva_model_stats_get_last_outcome (row), ==, "error:server");

  /* The same through properties, as a list view binds them. */
  g_object_get (row, "calls", &calls, "p95-time-to-first-token", &p95, "last-outcome", &outcome,
                NULL);
  g_assert_cmpuint (calls, ==, 21);
  g_assert_cmpfloat (p95, ==, 19);
  g_assert_cmpstr (outcome, ==, "error:server");
  g_free (outcome);

  row = adiuva_gateway_stats_get_totals (stats);
  g_assert_null (adiuva_model_stats_get_provider (row));
  g_assert_cmpuint (adiuva_model_stats_get_calls (row), ==, 22);
  g_assert_cmpuint (adiuva_model_stats_get_failures (row), ==, 1);
  g_assert_cmpuint (adiuva_model_stats_get_output_tokens (row), ==, 107);
  g_assert_cmpfloat_with_epsilon (adiuva_model_stats_get_mean_time_to_first_token (row), 260.0 / 21, 1e-9);
  g_assert_cmpfloat_with_epsilon (adiuva_model_stats_get_mean_tokens_per_second (row), 2010.0 / 21, 1e-9);
  g_assert_cmpstr (adiuva_model_stats_get_last_outcome (row), ==, "ok");
}

/* Against the test provider */

typedef struct
{
  TestProvider        *provider;
  AdiuvaGatewayClient *client;
  guint                n_attempts;
} Fixture;

typedef struct
{
  gboolean           done;
  AdiuvaChatMessage *message;
  AdiuvaCallMetrics *metrics;
  GError            *error;
} Result;

static void
usage_cb (const AdiuvaCallMetrics *metrics,
          gpointer                 user_data)
{
  Fixture *f = user_data;

  f->n_attempts++;
}

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  g_autofree char *v1 = NULL;

  f->provider = test_provider_start ();
  if (f->provider == NULL)
    return;

  f->client = adiuva_gateway_client_new (NULL);
  _adiuva_gateway_client_set_timings (f->client, 10, 50, 60000);
  adiuva_gateway_client_set_usage_func (f->client, usage_cb, f, NULL);
  v1 = g_strconcat (f->provider->base, "/v1", NULL);
  test_gateway_add_provider (f->client, "oa", "openai", v1, "test-key");
  test_gateway_add_provider (f->client, "an", "anthropic", f->provider->base, "test-key");
  test_gateway_add_provider (f->client, "ol", "ollama", f->provider->base, "test-key");

  g_string_truncate (debug_log, 0);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  g_clear_object (&f->client);
  g_clear_pointer (&f->provider, test_provider_stop);
}

static void
chat_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Result *r = user_data;

  r->message = adiuva_gateway_client_chat_finish (ADIUVA_GATEWAY_CLIENT (source), result,
                                                  &r->metrics, NULL, &r->error);
  r->done = TRUE;
}

static void
start_chat (Fixture    *f,
            const char *ref,
            const char *caller,
            gint64      max_tokens,
            Result     *r)
{
  g_autoptr (AdiuvaChatRequest) request = adiuva_chat_request_new ("ignored");
  g_autoptr (AdiuvaChatMessage) user = adiuva_chat_message_new_text (ADIUVA_ROLE_USER, "Count to five.");

  /* 14 characters: 4 tokens of prompt in the estimate. */
  adiuva_chat_request_add_message (request, user);
  request->max_tokens = max_tokens;
  request->stream = TRUE;
  memset (r, 0, sizeof *r);
  adiuva_gateway_client_chat_async (f->client, ref, request, caller, NULL, NULL, NULL, chat_cb, r);
}

static void
wait_for (Result *r)
{
  while (!r->done)
    g_main_context_iteration (NULL, TRUE);
}

static void
run_chat (Fixture    *f,
          const char *ref,
          const char *caller,
          Result     *r)
{
  start_chat (f, ref, caller, 100, r);
  wait_for (r);
}

static void
result_clear (Result *r)
{
  g_clear_pointer (&r->message, adiuva_chat_message_unref);
  g_clear_pointer (&r->metrics, adiuva_call_metrics_free);
  g_clear_error (&r->error);
}

static void
test_budget_refusal_sends_nothing (Fixture      *f,
                                   gconstpointer data)
{
  AdiuvaBudgets *budgets;
  Result         r;

  if (!test_provider_have_fixtures ())
    return;

  budgets = adiuva_gateway_client_get_budgets (f->client);
  adiuva_budgets_set (budgets, ADIUVA_BUDGET_GLOBAL, NULL, ADIUVA_BUDGET_DAY, 10, -1);
  adiuva_gateway_client_add_spent (f->client, "chat", "oa", 10, 0,
                                   g_get_real_time () / G_USEC_PER_SEC);

  run_chat (f, "oa/gpt-6-sol", "chat", &r);
  g_assert_error (r.error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_BUDGET);
  g_assert_true (g_str_has_prefix (r.error->message, "The daily budget of the workspace is used "
                                                     "up: 10 of 10 tokens spent. It resets at "));
  g_assert_null (r.message);
  g_assert_cmpstr (r.metrics->provider, ==, "oa");
  result_clear (&r);

  /* Not a byte reached the provider, and no attempt was reported. */
  g_assert_cmpuint (test_provider_count_requests (f->provider, "/"), ==, 0);
  g_assert_cmpuint (f->n_attempts, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (adiuva_gateway_client_get_stats (f->client))), ==, 0);

  /* A fallback chain does not get around it: the whole request is refused. */
  adiuva_gateway_client_set_fallbacks (f->client, "oa/gpt-6-sol",
                                       (const char *const[]){ "an/claude-haiku-4-5", NULL });
  run_chat (f, "oa/gpt-6-sol", "chat", &r);
  g_assert_error (r.error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_BUDGET);
  result_clear (&r);
  g_assert_cmpuint (test_provider_count_requests (f->provider, "/"), ==, 0);
}

static void
test_caller_budget (Fixture      *f,
                    gconstpointer data)
{
  AdiuvaBudgets *budgets;
  Result         r;

  if (!test_provider_have_fixtures ())
    return;

  budgets = adiuva_gateway_client_get_budgets (f->client);
  adiuva_budgets_set (budgets, ADIUVA_BUDGET_CALLER, "plugin:invoices", ADIUVA_BUDGET_MONTH, 1000,
                      -1);
  adiuva_gateway_client_add_spent (f->client, "plugin:invoices", "an", 1000, 0, -1);
  adiuva_gateway_client_set_fallbacks (f->client, "oa/gpt-6-sol",
                                       (const char *const[]){ "an/claude-haiku-4-5", NULL });

  run_chat (f, "oa/gpt-6-sol", "plugin:invoices", &r);
  g_assert_error (r.error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_BUDGET);
  g_assert_nonnull (strstr (r.error->message, "monthly budget of caller “plugin:invoices”"));
  g_assert_nonnull (strstr (r.error->message, "1000 of 1000 tokens"));
  result_clear (&r);
  g_assert_cmpuint (test_provider_count_requests (f->provider, "/"), ==, 0);

  /* Other callers are not held by it. */
  run_chat (f, "oa/gpt-6-sol", "chat", &r);
  g_assert_no_error (r.error);
  result_clear (&r);
  g_assert_cmpuint (test_provider_count_requests (f->provider, "/"), ==, 1);
}

static void
test_provider_budget_fallback (Fixture      *f,
                               gconstpointer data)
{
  AdiuvaBudgets *budgets;
  Result         r;

  if (!test_provider_have_fixtures ())
    return;

  budgets = adiuva_gateway_client_get_budgets (f->client);
  adiuva_budgets_set (budgets, ADIUVA_BUDGET_PROVIDER, "oa", ADIUVA_BUDGET_DAY, 5, -1);
  adiuva_gateway_client_add_spent (f->client, "chat", "oa", 5, 0, -1);
  adiuva_gateway_client_set_fallbacks (f->client, "oa/gpt-6-sol",
                                       (const char *const[]){ "an/claude-haiku-4-5", NULL });

  /* Skipped like a broken provider: the next model answers. */
  run_chat (f, "oa/gpt-6-sol", "chat", &r);
  g_assert_no_error (r.error);
  g_assert_cmpstr (r.metrics->provider, ==, "an");
  g_assert_cmpuint (r.metrics->fallback_hops, ==, 1);
  result_clear (&r);
  g_assert_cmpuint (test_provider_count_requests (f->provider, "/v1/chat/completions"), ==, 0);
  g_assert_cmpuint (test_provider_count_requests (f->provider, "/v1/messages"), ==, 1);

  /* With nothing left in the chain, the budget's error ends the call. */
  adiuva_gateway_client_set_fallbacks (f->client, "oa/gpt-6-sol", NULL);
  run_chat (f, "oa/gpt-6-sol", "chat", &r);
  g_assert_error (r.error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_BUDGET);
  g_assert_nonnull (strstr (r.error->message, "daily budget of provider “oa”"));
  g_assert_nonnull (strstr (r.error->message, "5 of 5 tokens"));
  result_clear (&r);
  g_assert_cmpuint (test_provider_count_requests (f->provider, "/"), ==, 1);
}

static void
test_cost_budget (Fixture      *f,
                  gconstpointer data)
{
  AdiuvaBudgets *budgets;
  double         cost;
  gint64         tokens;
  Result         r;

  if (!test_provider_have_fixtures ())
    return;

  /* The recorded answer used 14 + 13 tokens: 0.000158 USD at gpt-6-sol's list price. */
  budgets = adiuva_gateway_client_get_budgets (f->client);
  adiuva_budgets_set (budgets, ADIUVA_BUDGET_PROVIDER, "oa", ADIUVA_BUDGET_MONTH, -1, 0.0002);

  run_chat (f, "oa/gpt-6-sol", "chat", &r);
  g_assert_no_error (r.error);
  result_clear (&r);
  adiuva_budgets_get_spent (budgets, ADIUVA_BUDGET_PROVIDER, "oa", ADIUVA_BUDGET_MONTH, &tokens,
                            &cost);
  g_assert_cmpint (tokens, ==, 27);
  g_assert_cmpfloat_with_epsilon (cost, 0.000158, 1e-12);

  run_chat (f, "oa/gpt-6-sol", "chat", &r);
  g_assert_no_error (r.error);
  result_clear (&r);

  run_chat (f, "oa/gpt-6-sol", "chat", &r);
  g_assert_error (r.error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_BUDGET);
  g_assert_nonnull (strstr (r.error->message, "0.0003 of 0.0002 USD"));
  result_clear (&r);
  g_assert_cmpuint (test_provider_count_requests (f->provider, "/"), ==, 2);
}

static void
test_day_rollover (Fixture      *f,
                   gconstpointer data)
{
  AdiuvaBudgets *budgets;
  gint64         now = utc_us (2026, 11, 21, 23, 59, 30);
  Result         r;

  if (!test_provider_have_fixtures ())
    return;

  budgets = adiuva_gateway_client_get_budgets (f->client);
  _adiuva_budgets_set_clock (budgets, fake_clock, &now);
  adiuva_budgets_set (budgets, ADIUVA_BUDGET_GLOBAL, NULL, ADIUVA_BUDGET_DAY, 20, -1);
  adiuva_budgets_set (budgets, ADIUVA_BUDGET_GLOBAL, NULL, ADIUVA_BUDGET_MONTH, 50, -1);

  run_chat (f, "oa/gpt-6-sol", "chat", &r);
  g_assert_no_error (r.error);
  result_clear (&r);
  run_chat (f, "oa/gpt-6-sol", "chat", &r);
  g_assert_error (r.error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_BUDGET);
  g_assert_nonnull (strstr (r.error->message, "27 of 20 tokens spent. It resets at 2026-11-22 00:00."));
  result_clear (&r);

  /* A new day: the daily budget is fresh, the month keeps counting. */
  now = utc_us (2026, 11, 22, 0, 0, 5);
  run_chat (f, "oa/gpt-6-sol", "chat", &r);
  g_assert_no_error (r.error);
  result_clear (&r);
  run_chat (f, "oa/gpt-6-sol", "chat", &r);
  g_assert_error (r.error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_BUDGET);
  g_assert_cmpstr (r.error->message, ==, "The monthly budget of the workspace is used up: 54 of "
                                         "50 tokens spent. It resets at 2026-12-01 00:00.");
  result_clear (&r);
  g_assert_cmpuint (test_provider_count_requests (f->provider, "/"), ==, 2);
}

static void
test_bucket_waits (Fixture      *f,
                   gconstpointer data)
{
  AdiuvaRateLimiter *limiter;
  Result             r[2];
  gint64             start;

  if (!test_provider_have_fixtures ())
    return;

  /* 6000 tokens a minute, 100 a second. The first call takes 4 + 5900, leaving 96; the
   * second needs 4 + 100, 8 more: it waits 80 ms, then goes. */
  limiter = adiuva_gateway_client_get_rate_limiter (f->client);
  adiuva_rate_limiter_set_limit (limiter, "oa", "gpt-6-sol", 0, 6000);
  start = g_get_monotonic_time ();
  start_chat (f, "oa/gpt-6-sol", "chat", 5900, &r[0]);
  start_chat (f, "oa/gpt-6-sol", "chat", 100, &r[1]);
  g_assert_nonnull (strstr (debug_log->str, "chat: waiting "));
  g_assert_nonnull (strstr (debug_log->str, " ms for the rate limit of oa/gpt-6-sol"));
  for (guint i = 0; i < G_N_ELEMENTS (r); i++)
    {
      wait_for (&r[i]);
      g_assert_no_error (r[i].error);
      g_assert_cmpstr (r[i].metrics->provider, ==, "oa");
      result_clear (&r[i]);
    }
  /* A lower bound the wait guarantees, not a timing: the second call cannot end sooner. */
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 79 * 1000);
  g_assert_cmpuint (test_provider_count_requests (f->provider, "/v1/chat/completions"), ==, 2);
}

static void
test_bucket_next_model (Fixture      *f,
                        gconstpointer data)
{
  AdiuvaRateLimiter *limiter;
  Result             r;

  if (!test_provider_have_fixtures ())
    return;

  limiter = adiuva_gateway_client_get_rate_limiter (f->client);
  adiuva_rate_limiter_set_limit (limiter, "oa", "gpt-6-sol", 1, 0);
  adiuva_gateway_client_set_fallbacks (f->client, "oa/gpt-6-sol",
                                       (const char *const[]){ "an/claude-haiku-4-5", NULL });

  run_chat (f, "oa/gpt-6-sol", "chat", &r);
  g_assert_no_error (r.error);
  g_assert_cmpstr (r.metrics->provider, ==, "oa");
  result_clear (&r);

  /* The next request would wait a minute: the next model takes it. */
  run_chat (f, "oa/gpt-6-sol", "chat", &r);
  g_assert_no_error (r.error);
  g_assert_cmpstr (r.metrics->provider, ==, "an");
  g_assert_cmpuint (r.metrics->fallback_hops, ==, 1);
  result_clear (&r);
  g_assert_cmpuint (test_provider_count_requests (f->provider, "/v1/chat/completions"), ==, 1);
  g_assert_cmpuint (test_provider_count_requests (f->provider, "/v1/messages"), ==, 1);
  g_assert_null (strstr (debug_log->str, "waiting"));

  /* Nothing left: the limit's own error, and nothing sent. */
  adiuva_gateway_client_set_fallbacks (f->client, "oa/gpt-6-sol", NULL);
  run_chat (f, "oa/gpt-6-sol", "chat", &r);
  g_assert_error (r.error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_RATE_LIMITED);
  g_assert_true (g_str_has_prefix (r.error->message, "The rate limit of oa/gpt-6-sol (1 request a "
                                                     "minute) is reached; it frees up in "));
  result_clear (&r);
  g_assert_cmpuint (test_provider_count_requests (f->provider, "/"), ==, 2);
  g_assert_cmpuint (f->n_attempts, ==, 2);
}

static void
test_reconcile (Fixture      *f,
                gconstpointer data)
{
  AdiuvaRateLimiter *limiter;
  gint64             now = 0;
  gint64             wait;
  Result             r;

  if (!test_provider_have_fixtures ())
    return;

  /* The clock stands still, so only reconciliation can give tokens back. */
  limiter = adiuva_gateway_client_get_rate_limiter (f->client);
  _adiuva_rate_limiter_set_clock (limiter, fake_clock, &now);
  adiuva_rate_limiter_set_limit (limiter, "oa", NULL, 0, 1000);

  /* Estimated 4 + 900; the provider reports 14 + 13 used. */
  start_chat (f, "oa/gpt-6-sol", "chat", 900, &r);
  g_assert_false (adiuva_rate_limiter_acquire (limiter, "oa", "gpt-6-sol", 97, &wait, NULL));
  wait_for (&r);
  g_assert_no_error (r.error);
  result_clear (&r);

  g_assert_true (adiuva_rate_limiter_acquire (limiter, "oa", "gpt-6-sol", 973, &wait, NULL));
  g_assert_false (adiuva_rate_limiter_acquire (limiter, "oa", "gpt-6-sol", 1, &wait, NULL));

  /* A failure without usage gives its estimate back whole. */
  now += 60 * G_USEC_PER_SEC;
  test_provider_script (f->provider, "[{\"match\": \"/v1/chat/completions\", \"status\": 400}]");
  start_chat (f, "oa/gpt-6-sol", "chat", 900, &r);
  wait_for (&r);
  g_assert_error (r.error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_BAD_REQUEST);
  result_clear (&r);
  g_assert_true (adiuva_rate_limiter_acquire (limiter, "oa", "gpt-6-sol", 1000, &wait, NULL));
}

static void
test_kill_switch (Fixture      *f,
                  gconstpointer data)
{
  Result r[4];

  if (!test_provider_have_fixtures ())
    return;

  test_provider_script (f->provider,
                        "[{\"match\": \"/v1/chat/completions\", \"stall_after\": 0, \"stall_ms\": 10000},"
                        " {\"match\": \"/v1/messages\", \"delay_headers_ms\": 10000},"
                        " {\"match\": \"/api/chat\", \"stall_after\": 0, \"stall_ms\": 10000}]");
  /* 600 tokens a minute at Ollama: the second call there waits 8.8 s for 88 tokens. */
  adiuva_rate_limiter_set_limit (adiuva_gateway_client_get_rate_limiter (f->client), "ol", NULL,
                                 0, 600);
  start_chat (f, "oa/gpt-6-sol", "chat", 100, &r[0]);
  start_chat (f, "an/claude-haiku-4-5", "chat", 100, &r[1]);
  start_chat (f, "ol/llama3.2", "chat", 580, &r[2]);
  start_chat (f, "ol/llama3.2", "chat", 100, &r[3]);
  g_assert_nonnull (strstr (debug_log->str, " ms for the rate limit of ol/llama3.2"));

  while (test_provider_count_requests (f->provider, "/") < 3)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10 * 1000);
    }

  adiuva_gateway_client_cancel_all (f->client);
  for (guint i = 0; i < G_N_ELEMENTS (r); i++)
    {
      wait_for (&r[i]);
      g_assert_error (r[i].error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_CANCELLED);
      g_assert_cmpstr (r[i].metrics->outcome, ==, "cancelled");
      result_clear (&r[i]);
    }
  /* The waiting call never sent anything. */
  g_assert_cmpuint (test_provider_count_requests (f->provider, "/"), ==, 3);
  g_assert_cmpuint (f->n_attempts, ==, 3);
}

static void
test_stats_after_calls (Fixture      *f,
                        gconstpointer data)
{
  AdiuvaGatewayStats *stats;
  AdiuvaModelStats   *row;
  Result              r;

  if (!test_provider_have_fixtures ())
    return;

  g_object_set (f->client, "max-retries", 0, NULL);
  test_provider_script (f->provider, "[{\"match\": \"/v1/chat/completions\", \"status\": 500}]");
  run_chat (f, "oa/gpt-6-sol", "chat", &r);
  g_assert_error (r.error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_SERVER);
  result_clear (&r);
  run_chat (f, "oa/gpt-6-sol", "chat", &r);
  g_assert_no_error (r.error);
  result_clear (&r);
  run_chat (f, "an/claude-haiku-4-5", "chat", &r);
  g_assert_no_error (r.error);
  result_clear (&r);

  stats = adiuva_gateway_client_get_stats (f->client);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (stats)), ==, 2);
  row = adiuva_gateway_stats_lookup (stats, "oa", "gpt-6-sol");
  g_assert_nonnull (row);
  g_assert_cmpuint (adiuva_model_stats_get_calls (row), ==, 2);
  g_assert_cmpuint (adiuva_model_stats_get_failures (row), ==, 1);
  g_assert_cmpuint (adiuva_model_stats_get_input_tokens (row), ==, 14);
  g_assert_cmpuint (adiuva_model_stats_get_output_tokens (row), ==, 13);
  g_assert_cmpfloat_with_epsilon (adiuva_model_stats_get_cost (row), 0.000158, 1e-12);
  g_assert_cmpfloat (adiuva_model_stats_get_mean_time_to_first_token (row), >=, 0);
  g_assert_cmpfloat (adiuva_model_stats_get_p95_time_to_first_token (row), >=,
                     adiuva_model_stats_get_mean_time_to_first_token (row));
  g_assert_cmpfloat (adiuva_model_stats_get_mean_tokens_per_second (row), >, 0);
  g_assert_cmpstr (adiuva_model_stats_get_last_outcome (row), ==, "ok");

  row = g_list_model_get_item (G_LIST_MODEL (stats), 1);
  g_assert_cmpstr (adiuva_model_stats_get_provider (row), ==, "an");
  g_assert_cmpuint (adiuva_model_stats_get_calls (row), ==, 1);
  g_object_unref (row);

  row = adiuva_gateway_stats_get_totals (stats);
  g_assert_cmpuint (adiuva_model_stats_get_calls (row), ==, 3);
  g_assert_cmpuint (adiuva_model_stats_get_failures (row), ==, 1);
  g_assert_cmpuint (f->n_attempts, ==, 3);
}

int
main (int   argc,
      char *argv[])
{
  debug_log = test_gateway_init (&argc, &argv, "adiuva-gateway", NULL);

  g_test_add_func ("/limits/bucket/requests", test_bucket_requests);
  g_test_add_func ("/limits/bucket/tokens", test_bucket_tokens);
  g_test_add_func ("/limits/bucket/provider-and-model", test_bucket_provider_and_model);
  g_test_add_func ("/limits/bucket/estimate", test_estimate);
  g_test_add_func ("/limits/budget/tokens", test_budget_tokens);
  g_test_add_func ("/limits/budget/scopes-and-cost", test_budget_scopes_and_cost);
  g_test_add_func ("/limits/budget/rollover", test_budget_rollover);
  g_test_add_func ("/limits/stats", test_stats);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/limits/client/budget-refusal-sends-nothing", test_budget_refusal_sends_nothing);
  ADD ("/limits/client/caller-budget", test_caller_budget);
  ADD ("/limits/client/provider-budget-fallback", test_provider_budget_fallback);
  ADD ("/limits/client/cost-budget", test_cost_budget);
  ADD ("/limits/client/day-rollover", test_day_rollover);
  ADD ("/limits/client/bucket-waits", test_bucket_waits);
  ADD ("/limits/client/bucket-next-model", test_bucket_next_model);
  ADD ("/limits/client/reconcile", test_reconcile);
  ADD ("/limits/client/kill-switch", test_kill_switch);
  ADD ("/limits/client/stats", test_stats_after_calls);
#undef ADD

  return g_test_run ();
}
