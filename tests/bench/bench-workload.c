/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-bench"

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

#include "bench-workload.h"

#define BENCH_SEED 20261121

G_DEFINE_QUARK (adiuva - bench - error - quark, bench_error)

/* Scale */

gboolean
bench_is_short_mode (void)
{
  const char *value = g_getenv ("ADIUVA_BENCH_SHORT");

  return value != NULL && *value != '\0' && g_strcmp0 (value, "0") != 0;
}

void
bench_scale_init (BenchScale *scale,
                  gboolean    short_mode)
{
  if (short_mode)
    *scale = (BenchScale){ 2000, 500, 20, 3, 3, 1 };
  else
    *scale = (BenchScale){ 100000, 20000, 200, 20, 20, 2 };
}

/* Words, most frequent first. Text is drawn from them with a Zipf distribution, so a few
 * words are in nearly every note and most are in few, as in real writing. A few carry
 * diacritics, which the index folds away (unicode61 remove_diacritics=1). */
static const char *const words[] = {
  /* function words */
  "the",
  "to",
  "and",
  "a",
  "of",
  "for",
  "in",
  "on",
  "is",
  "with",
  "that",
  "it",
  "we",
  "this",
  "be",
  "at",
  "from",
  "by",
  "as",
  "are",
  "have",
  "or",
  "not",
  "they",
  "will",
  "can",
  "about",
  "all",
  "but",
  "our",
  "their",
  "an",
  "if",
  "so",
  "what",
  "up",
  "out",
  "when",
  "one",
  "more",
  "there",
  "some",
  "them",
  "into",
  "than",
  "then",
  "also",
  "after",
  "before",
  "need",
  "next",
  "should",
  "would",
  "could",
  "just",
  "only",
  "new",
  "still",
  "again",
  "week",
  /* content words */
  "client",
  "project",
  "meeting",
  "invoice",
  "design",
  "review",
  "draft",
  "email",
  "call",
  "website",
  "update",
  "notes",
  "budget",
  "deadline",
  "plan",
  "team",
  "report",
  "proposal",
  "contract",
  "payment",
  "feedback",
  "schedule",
  "launch",
  "copy",
  "logo",
  "page",
  "content",
  "brief",
  "estimate",
  "hours",
  "rate",
  "scope",
  "deliverable",
  "milestone",
  "agenda",
  "summary",
  "follow",
  "sketch",
  "mockup",
  "prototype",
  "release",
  "server",
  "backup",
  "domain",
  "hosting",
  "photo",
  "shoot",
  "edit",
  "video",
  "audio",
  "podcast",
  "episode",
  "article",
  "blog",
  "post",
  "newsletter",
  "campaign",
  "social",
  "media",
  "brand",
  "colour",
  "palette",
  "font",
  "layout",
  "grid",
  "icon",
  "illustration",
  "print",
  "poster",
  "flyer",
  "brochure",
  "catalogue",
  "packaging",
  "label",
  "café",
  "menu",
  "recipe",
  "kitchen",
  "restaurant",
  "hotel",
  "booking",
  "travel",
  "flight",
  "train",
  "ticket",
  "visa",
  "passport",
  "insurance",
  "tax",
  "receipt",
  "expense",
  "account",
  "bank",
  "transfer",
  "quote",
  "discount",
  "price",
  "pricing",
  "retainer",
  "résumé",
  "portfolio",
  "case",
  "study",
  "testimonial",
  "referral",
  "lead",
  "prospect",
  "pitch",
  "presentation",
  "slides",
  "workshop",
  "training",
  "course",
  "lesson",
  "student",
  "teacher",
  "research",
  "interview",
  "survey",
  "data",
  "analysis",
  "chart",
  "table",
  "spreadsheet",
  "dashboard",
  "metrics",
  "traffic",
  "conversion",
  "signup",
  "checkout",
  "cart",
  "shop",
  "product",
  "catalog",
  "inventory",
  "shipping",
  "delivery",
  "order",
  "customer",
  "support",
  "ticketing",
  "bug",
  "fix",
  "feature",
  "request",
  "issue",
  "crash",
  "error",
  "log",
  "test",
  "tests",
  "deploy",
  "staging",
  "production",
  "database",
  "migration",
  "query",
  "index",
  "search",
  "filter",
  "sort",
  "export",
  "import",
  "sync",
  "api",
  "token",
  "login",
  "password",
  "security",
  "privacy",
  "policy",
  "terms",
  "license",
  "trademark",
  "copyright",
  "lawyer",
  "accountant",
  "bookkeeping",
  "quarter",
  "annual",
  "monthly",
  "weekly",
  "daily",
  "morning",
  "afternoon",
  "evening",
  "monday",
  "tuesday",
  "wednesday",
  "thursday",
  "friday",
  "weekend",
  "january",
  "february",
  "march",
  "april",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
  "spring",
  "summer",
  "autumn",
  "winter",
  "holiday",
  "vacation",
  "Zürich",
  "München",
  "Paris",
  "London",
  "Berlin",
  "Lisbon",
  "Madrid",
  "Vienna",
  "Prague",
  "São",
  "Paulo",
  "Montréal",
  "Kraków",
  "Malmö",
  "façade",
  "crème",
  "brûlée",
  "naïve",
  "jalapeño",
  "piñata",
  "fiancé",
  "décor",
  "entrée",
  "über",
  "señor",
  "coöperation",
  "office",
  "desk",
  "chair",
  "laptop",
  "monitor",
  "keyboard",
  "printer",
  "scanner",
  "camera",
  "lens",
  "tripod",
  "microphone",
  "headphones",
  "cable",
  "charger",
  "battery",
  "phone",
  "tablet",
  "software",
  "subscription",
  "renewal",
  "plugin",
  "theme",
  "template",
  "component",
  "library",
  "framework",
  "documentation",
  "guide",
  "tutorial",
  "manual",
  "handbook",
  "checklist",
  "process",
  "workflow",
  "pipeline",
  "automation",
  "script",
  "tool",
  "toolkit",
  "kit",
  "asset",
  "assets",
  "file",
  "files",
  "folder",
  "drive",
  "cloud",
  "storage",
  "archive",
  "version",
  "history",
  "change",
  "changes",
  "revision",
  "approval",
  "sign",
  "signature",
  "stamp",
  "letter",
  "envelope",
  "parcel",
  "post",
  "office",
  "courier",
  "pickup",
  "return",
  "refund",
  "complaint",
  "question",
  "answer",
  "reply",
  "thread",
  "chat",
  "message",
  "voice",
  "recording",
  "transcript",
  "translation",
  "localisation",
  "language",
  "english",
  "french",
  "german",
  "spanish",
  "portuguese",
  "italian",
  "dutch",
  "swedish",
  "polish",
  "czech",
  "garden",
  "plants",
  "water",
  "groceries",
  "milk",
  "bread",
  "coffee",
  "tea",
  "lunch",
  "dinner",
  "breakfast",
  "gym",
  "run",
  "walk",
  "bike",
  "doctor",
  "dentist",
  "appointment",
  "pharmacy",
  "school",
  "kids",
  "family",
  "birthday",
  "gift",
  "party",
  "wedding",
  "anniversary",
  "friend",
  "neighbour",
  "landlord",
  "rent",
  "lease",
  "apartment",
  "house",
  "repair",
  "plumber",
  "electrician",
  "paint",
  "wall",
  "floor",
  "window",
  "door",
  "key",
  "lock",
  "car",
  "garage",
  "service",
  "tyres",
  "fuel",
  "parking",
  "fine",
  "licence",
  "registration",
  "renew",
  "form",
  "application",
  "deadline",
  "submission",
  "grant",
  "funding",
  "investor",
  "pitchdeck",
  "roadmap",
  "strategy",
  "goals",
  "objectives",
  "priorities",
  "risks",
  "assumptions",
  "constraints",
  "requirements",
  "specification",
  "wireframe",
  "flow",
  "journey",
  "persona",
  "accessibility",
  "contrast",
  "typography",
  "spacing",
  "alignment",
  "animation",
  "motion",
  "transition",
  "hover",
  "button",
  "form",
  "field",
  "input",
  "dropdown",
  "modal",
  "dialog",
  "sidebar",
  "header",
  "footer",
  "navigation",
  "breadcrumb",
  "carousel",
  "gallery",
  "lightbox",
  "thumbnail",
  "banner",
  "hero",
  "section",
  "column",
  "row",
  "card",
  "badge",
  "tooltip",
  "notification",
  "alert",
  "toast",
  "spinner",
  "progress",
  "loader",
  "skeleton",
  "placeholder",
  "performance",
  "speed",
  "cache",
  "memory",
  "latency",
  "bandwidth",
  "compression",
  "image",
  "images",
  "resize",
  "crop",
  "retouch",
  "colourgrade",
  "export",
  "render",
  "upload",
  "download",
  "share",
  "link",
  "links",
  "preview",
  "comment",
  "comments",
  "mention",
  "tag",
  "tags",
  "label",
  "priority",
  "status",
  "owner",
  "assignee",
  "reviewer",
  "stakeholder",
  "sponsor",
  "vendor",
  "supplier",
  "partner",
  "agency",
  "studio",
  "freelancer",
  "contractor",
  "subcontractor",
  "intern",
  "mentor",
  "coach",
  "consultant",
  "advisor",
  "board",
  "committee",
  "association",
  "conference",
  "talk",
  "speaker",
  "panel",
  "venue",
  "catering",
  "badge",
  "registration",
  "sponsorship",
  "booth",
  "banner",
  "merch",
  "stickers",
  "tshirts",
  "swag",
  "printing",
  "proof",
  "proofs",
  "paper",
  "ink",
  "binding",
  "cover",
  "spine",
  "isbn",
  "manuscript",
  "chapter",
  "outline",
  "headline",
  "subtitle",
  "caption",
  "alt",
  "text",
  "keywords",
  "seo",
  "analytics",
  "ads",
  "adwords",
  "reach",
  "impressions",
  "clicks",
  "followers",
  "engagement",
  "community",
  "forum",
  "moderation",
  "guidelines",
  "onboarding",
  "offboarding",
  "handover",
  "retrospective",
  "standup",
  "sprint",
  "backlog",
  "estimate",
  "velocity",
  "burndown",
  "kanban",
  "board",
  "column",
  "swimlane",
  "epic",
  "story",
  "task",
  "subtask",
  "blocker",
  "dependency",
  "risk",
  "mitigation",
  "contingency",
  "buffer",
  "overtime",
  "timesheet",
  "tracking",
  "billing",
  "billable",
  "nonbillable",
  "hourly",
  "fixed",
  "fee",
  "deposit",
  "balance",
  "overdue",
  "reminder",
  "late",
  "penalty",
  "dispute",
  "mediation",
  "settlement",
  "agreement",
  "nda",
  "confidential",
  "clause",
  "amendment",
  "addendum",
  "renegotiate",
  "extension",
  "termination",
  "notice",
  "period",
  "probation",
  "evaluation",
  "assessment",
  "appraisal",
  "promotion",
  "raise",
  "salary",
  "pension",
  "savings",
  "loan",
  "mortgage",
  "interest",
  "dividend",
  "shares",
  "stock",
  "portfolio",
  "crypto",
  "wallet",
  "exchange",
  "currency",
  "euro",
  "dollar",
  "pound",
  "franc",
  "krona",
  "zloty",
  "crown",
};

static const char *const task_verbs[] = {
  "Send",
  "Review",
  "Update",
  "Call",
  "Draft",
  "Fix",
  "Prepare",
  "Schedule",
  "Email",
  "Follow up on",
  "Pay",
  "Book",
  "Check",
  "Write",
  "Plan",
  "Finish",
  "Order",
  "Submit",
  "Renew",
  "Clean up",
  "Research",
  "Design",
  "Test",
  "Deploy",
  "Archive",
  "Print",
  "Sign",
  "Reply to",
  "Ask about",
  "Confirm",
};

static const char *const tag_names[] = {
  "billing",
  "urgent",
  "design",
  "email",
  "call",
  "research",
  "admin",
  "waiting",
  "review",
  "writing",
  "errand",
  "finance",
};

static const char *const statuses[] = { "todo", "doing", "done", "cancelled" };

typedef struct
{
  GRand  *rand;
  double *cumulative;
  guint   n_words;
  guint   first_content;
} Generator;

static void
generator_init (Generator *gen)
{
  double total = 0;

  gen->rand = g_rand_new_with_seed (BENCH_SEED);
  gen->n_words = G_N_ELEMENTS (words);
  gen->cumulative = g_new (double, gen->n_words);
  for (guint i = 0; i < gen->n_words; i++)
    {
      /* Zipf–Mandelbrot: rank r has weight 1 / (r + 2.7) */
      total += 1.0 / (i + 1 + 2.7);
      gen->cumulative[i] = total;
    }

  for (gen->first_content = 0; gen->first_content < gen->n_words; gen->first_content++)
    if (g_strcmp0 (words[gen->first_content], "client") == 0)
      break;
}

static void
generator_clear (Generator *gen)
{
  g_clear_pointer (&gen->rand, g_rand_free);
  g_clear_pointer (&gen->cumulative, g_free);
}

/* A word index drawn from ranks [first, n_words) with the Zipf weights. */
static guint
generator_word (Generator *gen,
                guint      first)
{
  double low = first > 0 ? gen->cumulative[first - 1] : 0;
  double target = low + g_rand_double (gen->rand) * (gen->cumulative[gen->n_words - 1] - low);
  guint  lo = first, hi = gen->n_words - 1;

  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;

      if (gen->cumulative[mid] < target)
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo;
}

static void
append_capitalised (GString    *out,
                    const char *word)
{
  gunichar first = g_utf8_get_char (word);

  g_string_append_unichar (out, g_unichar_toupper (first));
  g_string_append (out, g_utf8_next_char (word));
}

/* Sentences of 6–18 words, in paragraphs of 2–5 sentences; now and then a list line. */
static void
append_text (Generator *gen,
             GString   *out,
             guint      n_words)
{
  guint in_sentence = 0, sentence_len = 0, sentences = 0, paragraph_len = 0;

  for (guint i = 0; i < n_words; i++)
    {
      const char *word = words[generator_word (gen, 0)];

      if (in_sentence == 0)
        {
          sentence_len = g_rand_int_range (gen->rand, 6, 19);
          if (out->len > 0)
            g_string_append (out, sentences == 0 ? "\n\n" : " ");
          if (sentences == 0)
            paragraph_len = g_rand_int_range (gen->rand, 2, 6);
          if (g_rand_int_range (gen->rand, 0, 12) == 0)
            g_string_append (out, "- ");
          append_capitalised (out, word);
        }
      else
        {
          g_string_append_c (out, ' ');
          g_string_append (out, word);
        }

      if (++in_sentence == sentence_len || i + 1 == n_words)
        {
          g_string_append_c (out, g_rand_int_range (gen->rand, 0, 10) == 0 ? '?' : '.');
          in_sentence = 0;
          if (++sentences == paragraph_len)
            sentences = 0;
        }
    }
}

static char *
make_title (Generator *gen,
            guint      min_words,
            guint      max_words)
{
  GString *out = g_string_new (NULL);
  guint    n = g_rand_int_range (gen->rand, min_words, max_words + 1);

  for (guint i = 0; i < n; i++)
    {
      const char *word = words[generator_word (gen, i == 0 ? gen->first_content : 0)];

      if (i == 0)
        append_capitalised (out, word);
      else
        g_string_append_printf (out, " %s", word);
    }

  return g_string_free (out, FALSE);
}

static guint32
checksum_bytes (guint32     h,
                const char *text)
{
  /* FNV-1a, so both programs can show they generated the same rows */
  for (const guchar *p = (const guchar *) (text != NULL ? text : "\1"); *p != '\0'; p++)
    h = (h ^ *p) * 16777619u;

  return h;
}

guint32
bench_checksum_add (guint32     checksum,
                    const char *text)
{
  return checksum_bytes (checksum, text);
}

static void
generate_tasks (Generator *gen,
                BenchData *data)
{
  for (guint i = 0; i < data->n_tasks; i++)
    {
      BenchTask *task = &data->tasks[i];
      GString   *title = g_string_new (task_verbs[g_rand_int_range (gen->rand, 0,
                                                                    G_N_ELEMENTS (task_verbs))]);
      guint      n_words = g_rand_int_range (gen->rand, 2, 6);
      int        roll;

      for (guint w = 0; w < n_words; w++)
        g_string_append_printf (title, " %s", words[generator_word (gen, w == 0 ? gen->first_content : 0)]);
      task->title = g_string_free (title, FALSE);

      if (g_rand_int_range (gen->rand, 0, 10) < 3)
        {
          GString *notes = g_string_new (NULL);

          append_text (gen, notes, g_rand_int_range (gen->rand, 8, 60));
          task->notes = g_string_free (notes, FALSE);
        }

      if (g_rand_int_range (gen->rand, 0, 100) < 85)
        task->project = 1 + generator_word (gen, 0) % data->projects->len;
      if (i > 0 && g_rand_int_range (gen->rand, 0, 10) == 0)
        task->parent = 1 + (i - 1 - g_rand_int_range (gen->rand, 0, MIN (i, 50)));

      roll = g_rand_int_range (gen->rand, 0, 100);
      task->status = statuses[roll < 70 ? 0 : roll < 80 ? 1
                                          : roll < 97   ? 2
                                                        : 3];
      if (task->status == statuses[2])
        task->completed_at = 1767225600 + g_rand_int_range (gen->rand, 0, 365 * 86400);

      roll = g_rand_int_range (gen->rand, 0, 100);
      task->priority = roll < 5 ? 1 : roll < 20 ? 2
                                  : roll < 50   ? 3
                                                : 4;

      if (g_rand_int_range (gen->rand, 0, 10) < 4)
        {
          int month = g_rand_int_range (gen->rand, 1, 13);
          int day = g_rand_int_range (gen->rand, 1, 29);

          if (g_rand_int_range (gen->rand, 0, 4) == 0)
            task->due = g_strdup_printf ("2026-%02d-%02dT%02d:%02d:00", month, day,
                                         g_rand_int_range (gen->rand, 8, 19),
                                         g_rand_int_range (gen->rand, 0, 4) * 15);
          else
            task->due = g_strdup_printf ("2026-%02d-%02d", month, day);
        }

      if (g_rand_int_range (gen->rand, 0, 10) < 2)
        {
          guint first = g_rand_int_range (gen->rand, 0, G_N_ELEMENTS (tag_names));

          task->tags[0] = tag_names[first];
          if (g_rand_int_range (gen->rand, 0, 3) == 0)
            task->tags[1] = tag_names[(first + 1 + g_rand_int_range (gen->rand, 0, 5)) %
                                      G_N_ELEMENTS (tag_names)];
        }
    }
}

static void
generate_notes (Generator *gen,
                BenchData *data)
{
  for (guint i = 0; i < data->n_notes; i++)
    {
      BenchNote *note = &data->notes[i];
      GString   *body = g_string_new (NULL);
      double     r = g_rand_double (gen->rand);

      note->title = make_title (gen, 2, 6);
      /* 30–400 words, most of them short */
      append_text (gen, body, 30 + (guint) (r * r * 370));
      note->body = g_string_free (body, FALSE);
      if (g_rand_int_range (gen->rand, 0, 10) < 6)
        note->project = 1 + generator_word (gen, 0) % data->projects->len;
      note->pinned = g_rand_int_range (gen->rand, 0, 33) == 0;
    }
}

/* What people type in a search box: mostly one or two whole words, sometimes a word still
 * being typed, sometimes a word with its accents left out. */
static void
generate_queries (Generator *gen,
                  BenchData *data,
                  guint      n_queries)
{
  static const char *const unaccented[] = {
    "cafe",
    "resume",
    "zurich",
    "munchen",
    "facade",
    "creme brulee",
    "naive",
    "montreal",
    "jalapeno",
    "sao paulo",
    "fiance",
    "decor",
  };

  for (guint i = 0; i < n_queries; i++)
    {
      int              roll = g_rand_int_range (gen->rand, 0, 100);
      const char      *first = words[generator_word (gen, gen->first_content)];
      g_autofree char *lower = g_utf8_strdown (first, -1);

      if (roll < 50)
        g_ptr_array_add (data->queries, g_steal_pointer (&lower));
      else if (roll < 85)
        {
          const char      *second = words[generator_word (gen, gen->first_content)];
          g_autofree char *lower2 = g_utf8_strdown (second, -1);

          g_ptr_array_add (data->queries, g_strdup_printf ("%s %s", lower, lower2));
        }
      else if (roll < 95)
        {
          glong len = g_utf8_strlen (lower, -1);
          glong keep = MIN (len, g_rand_int_range (gen->rand, 3, 6));

          g_ptr_array_add (data->queries, g_utf8_substring (lower, 0, keep));
        }
      else
        g_ptr_array_add (data->queries,
                         g_strdup (unaccented[g_rand_int_range (gen->rand, 0,
                                                                G_N_ELEMENTS (unaccented))]));
    }
}

BenchData *
bench_data_new (const BenchScale *scale)
{
  BenchData *data = g_new0 (BenchData, 1);
  Generator  gen = { 0 };
  guint32    checksum = 2166136261u;

  generator_init (&gen);

  data->projects = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < 24; i++)
    g_ptr_array_add (data->projects, make_title (&gen, 1, 3));

  data->n_tasks = scale->n_tasks;
  data->tasks = g_new0 (BenchTask, data->n_tasks);
  generate_tasks (&gen, data);

  data->n_notes = scale->n_notes;
  data->notes = g_new0 (BenchNote, data->n_notes);
  generate_notes (&gen, data);

  data->queries = g_ptr_array_new_with_free_func (g_free);
  generate_queries (&gen, data, scale->n_queries);

  for (guint i = 0; i < data->projects->len; i++)
    checksum = checksum_bytes (checksum, g_ptr_array_index (data->projects, i));
  for (guint i = 0; i < data->n_tasks; i++)
    {
      checksum = checksum_bytes (checksum, data->tasks[i].title);
      checksum = checksum_bytes (checksum, data->tasks[i].notes);
      checksum = checksum_bytes (checksum, data->tasks[i].due);
    }
  for (guint i = 0; i < data->n_notes; i++)
    {
      checksum = checksum_bytes (checksum, data->notes[i].title);
      checksum = checksum_bytes (checksum, data->notes[i].body);
    }
  for (guint i = 0; i < data->queries->len; i++)
    checksum = checksum_bytes (checksum, g_ptr_array_index (data->queries, i));
  data->checksum = g_strdup_printf ("%08x", checksum);

  generator_clear (&gen);

  return data;
}

void
bench_data_free (BenchData *data)
{
  if (data == NULL)
    return;

  for (guint i = 0; i < data->n_tasks; i++)
    {
      g_free (data->tasks[i].title);
      g_free (data->tasks[i].notes);
      g_free (data->tasks[i].due);
    }
  for (guint i = 0; i < data->n_notes; i++)
    {
      g_free (data->notes[i].title);
      g_free (data->notes[i].body);
    }
  g_free (data->tasks);
  g_free (data->notes);
  g_ptr_array_unref (data->projects);
  g_ptr_array_unref (data->queries);
  g_free (data->checksum);
  g_free (data);
}

/* Deletes @path and everything below it. */
void
bench_remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        bench_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* Time and statistics */

double
bench_now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* Nearest rank; sorts @samples_ms in place. */
double
bench_percentile (GArray *samples_ms,
                  double  percentile)
{
  guint rank;

  if (samples_ms->len == 0)
    return NAN;

  g_array_sort (samples_ms, compare_doubles);
  rank = (guint) ceil (percentile / 100.0 * samples_ms->len);
  rank = CLAMP (rank, 1, samples_ms->len);

  return g_array_index (samples_ms, double, rank - 1);
}

/* Results */

BenchResults *
bench_results_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

void
bench_results_set (BenchResults *results,
                   const char   *key,
                   const char   *format,
                   ...)
{
  va_list args;
  char   *value;

  va_start (args, format);
  value = g_strdup_vprintf (format, args);
  va_end (args);

  g_hash_table_replace (results, g_strdup (key), value);
}

const char *
bench_results_get (BenchResults *results,
                   const char   *key)
{
  return g_hash_table_lookup (results, key);
}

double
bench_results_get_double (BenchResults *results,
                          const char   *key)
{
  const char *value = bench_results_get (results, key);

  return value != NULL ? g_ascii_strtod (value, NULL) : NAN;
}

static int
compare_keys (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

void
bench_results_print (BenchResults *results,
                     FILE         *out)
{
  g_autofree gpointer *keys = g_hash_table_get_keys_as_array (results, NULL);
  guint                n = g_hash_table_size (results);

  g_qsort_with_data (keys, n, sizeof (gpointer), compare_keys, NULL);
  for (guint i = 0; i < n; i++)
    {
      const char *key = keys[i];

      fprintf (out, "%s=%s\n", key, (const char *) g_hash_table_lookup (results, key));
    }
  fflush (out);
}

BenchResults *
bench_results_parse (const char *text)
{
  BenchResults *results = bench_results_new ();
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *eq = strchr (lines[i], '=');

      if (eq != NULL && eq != lines[i])
        g_hash_table_replace (results, g_strndup (lines[i], eq - lines[i]), g_strdup (eq + 1));
    }

  return results;
}

/* SQL helpers */

static void
set_sqlite_error (sqlite3    *db,
                  const char *what,
                  GError    **error)
{
  g_set_error (error, BENCH_ERROR, 0, "%s: %s", what,
               db != NULL ? sqlite3_errmsg (db) : "out of memory");
}

gboolean
bench_exec (sqlite3    *db,
            const char *sql,
            GError    **error)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, BENCH_ERROR, 0, "%.60s…: %s", sql,
                   message != NULL ? message : sqlite3_errmsg (db));
      sqlite3_free (message);
      return FALSE;
    }

  return TRUE;
}

gint64
bench_query_int (sqlite3    *db,
                 const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64        value = -1;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  return value;
}

char *
bench_query_text (sqlite3    *db,
                  const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char         *value = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0) != NULL)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);

  return value;
}

static sqlite3_stmt *
prepare (sqlite3       *db,
         sqlite3_stmt **cache,
         const char    *sql,
         GError       **error)
{
  if (*cache != NULL)
    {
      sqlite3_reset (*cache);
      sqlite3_clear_bindings (*cache);
      return *cache;
    }

  if (sqlite3_prepare_v2 (db, sql, -1, cache, NULL) != SQLITE_OK)
    {
      set_sqlite_error (db, "prepare", error);
      return NULL;
    }

  return *cache;
}

void
bench_finalize_cache (sqlite3_stmt **cache,
                      guint          n)
{
  for (guint i = 0; i < n; i++)
    g_clear_pointer (&cache[i], sqlite3_finalize);
}

static gboolean
step_done (sqlite3      *db,
           sqlite3_stmt *stmt,
           GError      **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      set_sqlite_error (db, "step", error);
      return FALSE;
    }

  return TRUE;
}

static void
bind_text_or_null (sqlite3_stmt *stmt,
                   int           index,
                   const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, index);
}

static void
bind_id_or_null (sqlite3_stmt *stmt,
                 int           index,
                 gint64        id)
{
  if (id != 0)
    sqlite3_bind_int64 (stmt, index, id);
  else
    sqlite3_bind_null (stmt, index);
}

/* Okapi BM25 over FTS4's matchinfo(…, 'pcnalx'), written for the benchmark so that both
 * libraries run the same ranking code. Titles (column 0) weigh twice as much as bodies. */
static void
bench_rank (sqlite3_context *ctx,
            int              argc,
            sqlite3_value  **argv)
{
  const double        k1 = 1.2, b = 0.75;
  const unsigned int *mi = sqlite3_value_blob (argv[0]);
  int                 size = sqlite3_value_bytes (argv[0]);
  unsigned int        phrases, columns, docs;
  double              score = 0;

  if (mi == NULL || size < 12)
    {
      sqlite3_result_error (ctx, "bench_rank: no matchinfo", -1);
      return;
    }

  phrases = mi[0];
  columns = mi[1];
  docs = mi[2];
  if ((unsigned int) size != 4 * (3 + 2 * columns + 3 * phrases * columns))
    {
      sqlite3_result_error (ctx, "bench_rank: matchinfo is not 'pcnalx'", -1);
      return;
    }

  for (unsigned int c = 0; c < columns; c++)
    {
      double average = mi[3 + c];
      double length = mi[3 + columns + c];
      double weight = c == 0 ? 2.0 : 1.0;
      double norm = 1 - b + b * (average > 0 ? length / average : 1);

      for (unsigned int p = 0; p < phrases; p++)
        {
          const unsigned int *x = mi + 3 + 2 * columns + 3 * (p * columns + c);
          double              tf = x[0], df = x[2], idf;

          if (x[0] == 0)
            continue;
          idf = MAX (log ((docs - df + 0.5) / (df + 0.5)), 1e-6);
          score += weight * idf * tf * (k1 + 1) / (tf + k1 * norm);
        }
    }

  sqlite3_result_double (ctx, score);
}

void
bench_register_functions (sqlite3 *db)
{
  sqlite3_create_function (db, "bench_rank", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                           bench_rank, NULL, NULL);
}

/* The SQL opener */

typedef struct
{
  BenchOpener parent;
  char       *dir;
  char       *key_sql;
  char       *migrations_dir;
} BenchSqlOpener;

static gboolean
apply_schema (sqlite3    *db,
              const char *migrations_dir,
              GError    **error)
{
  g_autoptr (GDir) dir = g_dir_open (migrations_dir, 0, error);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    return FALSE;

  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".sql"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort_with_data (names, compare_keys, NULL);
  if (names->len == 0)
    {
      g_set_error (error, BENCH_ERROR, 0, "No migrations in %s", migrations_dir);
      return FALSE;
    }

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (migrations_dir, g_ptr_array_index (names, i), NULL);
      g_autofree char *contents = NULL;
      g_autofree char *sql = NULL;

      if (!g_file_get_contents (path, &contents, NULL, error))
        return FALSE;
      sql = g_strdup_printf ("BEGIN IMMEDIATE;\n%s\nPRAGMA user_version = %u;\nCOMMIT;",
                             contents, i + 1);
      if (!bench_exec (db, sql, error))
        return FALSE;
    }

  return TRUE;
}

static sqlite3 *
sql_opener_open (BenchOpener *opener,
                 const char  *name,
                 gboolean     create,
                 GError     **error)
{
  BenchSqlOpener  *self = (BenchSqlOpener *) opener;
  g_autofree char *file = g_strconcat (name, ".db", NULL);
  g_autofree char *path = g_build_filename (self->dir, file, NULL);
  int              flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
  sqlite3         *db = NULL;

  if (create && g_mkdir_with_parents (self->dir, 0700) != 0)
    {
      g_set_error (error, BENCH_ERROR, 0, "Could not create %s", self->dir);
      return NULL;
    }

  if (sqlite3_open_v2 (path, &db, flags, NULL) != SQLITE_OK)
    {
      set_sqlite_error (db, path, error);
      sqlite3_close (db);
      return NULL;
    }
  sqlite3_extended_result_codes (db, TRUE);

  /* The same steps as the store: key, first read, then the connection's settings. */
  if ((self->key_sql != NULL && !bench_exec (db, self->key_sql, error)) ||
      (create && self->key_sql == NULL && !bench_exec (db, "PRAGMA page_size = 4096", error)) ||
      !bench_exec (db, "SELECT count(*) FROM sqlite_master", error) ||
      bench_query_int (db, "PRAGMA user_version") < 0)
    {
      sqlite3_close (db);
      return NULL;
    }

  sqlite3_busy_timeout (db, 5000);
  if (!bench_exec (db, "PRAGMA journal_mode = WAL;"
                       "PRAGMA synchronous = FULL;"
                       "PRAGMA foreign_keys = ON;"
                       "PRAGMA temp_store = MEMORY;",
                   error) ||
      (create && !apply_schema (db, self->migrations_dir, error)))
    {
      sqlite3_close (db);
      return NULL;
    }

  return db;
}

static void
sql_opener_close (BenchOpener *opener,
                  sqlite3     *db)
{
  sqlite3_close (db);
}

BenchOpener *
bench_sql_opener_new (const char *dir,
                      const char *key_sql,
                      const char *migrations_dir)
{
  BenchSqlOpener *self = g_new0 (BenchSqlOpener, 1);

  self->parent.open = sql_opener_open;
  self->parent.close = sql_opener_close;
  self->dir = g_strdup (dir);
  self->key_sql = g_strdup (key_sql);
  self->migrations_dir = g_strdup (migrations_dir);

  return &self->parent;
}

void
bench_sql_opener_free (BenchOpener *opener)
{
  BenchSqlOpener *self = (BenchSqlOpener *) opener;

  if (self == NULL)
    return;

  g_free (self->dir);
  if (self->key_sql != NULL)
    explicit_bzero (self->key_sql, strlen (self->key_sql));
  g_free (self->key_sql);
  g_free (self->migrations_dir);
  g_free (self);
}

/* The workload */

/* The schema keeps search_index in step with triggers; should the store do it itself
 * instead, the workload does what the store does. */
static gboolean
has_trigger (sqlite3    *db,
             const char *name)
{
  char    *sql = sqlite3_mprintf ("SELECT count(*) FROM sqlite_master "
                                     "WHERE type = 'trigger' AND name = %Q",
                                  name);
  gboolean found = bench_query_int (db, sql) > 0;

  sqlite3_free (sql);
  return found;
}

static gboolean
index_row (sqlite3       *db,
           sqlite3_stmt **cache,
           gint64         docid,
           const char    *title,
           const char    *body,
           GError       **error)
{
  sqlite3_stmt *stmt = prepare (db, cache,
                                "INSERT INTO search_index (docid, title, body) VALUES (?, ?, ?)",
                                error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, docid);
  sqlite3_bind_text (stmt, 2, title, -1, SQLITE_STATIC);
  bind_text_or_null (stmt, 3, body);

  return step_done (db, stmt, error);
}

gboolean
bench_insert_projects (sqlite3   *db,
                       BenchData *data,
                       GError   **error)
{
  sqlite3_stmt *stmt = NULL;
  sqlite3_stmt *index = NULL;
  gboolean      triggers = has_trigger (db, "projects_search_insert");
  gboolean      ok = bench_exec (db, "BEGIN IMMEDIATE", error);

  if (ok)
    ok = prepare (db, &stmt,
                  "INSERT INTO projects (created_at, updated_at, client_id, name, description, "
                  "colour, status, archived, position) "
                  "VALUES (?1, ?1, NULL, ?2, NULL, '#8a8ea9', 'active', 0, ?3)",
                  error) != NULL;

  for (guint i = 0; ok && i < data->projects->len; i++)
    {
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, 1767225600);
      sqlite3_bind_text (stmt, 2, g_ptr_array_index (data->projects, i), -1, SQLITE_STATIC);
      sqlite3_bind_double (stmt, 3, i + 1);
      ok = step_done (db, stmt, error);
      if (ok && !triggers)
        ok = index_row (db, &index, sqlite3_last_insert_rowid (db) * 4 + 3,
                        g_ptr_array_index (data->projects, i), NULL, error);
    }
  sqlite3_finalize (stmt);
  sqlite3_finalize (index);

  if (ok)
    return bench_exec (db, "COMMIT", error);

  sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

/* Row by row, as the store would write them (the same columns and the same tag SQL), in one
 * transaction. */
gboolean
bench_insert_tasks (sqlite3   *db,
                    BenchData *data,
                    double    *ms,
                    GError   **error)
{
  sqlite3_stmt *cache[4] = {
    NULL,
  };
  g_autofree gint64 *ids = g_new0 (gint64, data->n_tasks + 1);
  gboolean           triggers = has_trigger (db, "tasks_search_insert");
  double             start = bench_now_ms ();
  gboolean           ok;

  ok = bench_exec (db, "BEGIN IMMEDIATE", error);
  for (guint i = 0; ok && i < data->n_tasks; i++)
    {
      const BenchTask *task = &data->tasks[i];
      sqlite3_stmt    *stmt;

      stmt = prepare (db, &cache[0],
                      "INSERT INTO tasks (created_at, updated_at, project_id, parent_id, title, "
                      "notes, status, priority, start, due, completed_at, position, recurrence, "
                      "is_ai_suggested, is_approved) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      error);
      if (stmt == NULL)
        {
          ok = FALSE;
          break;
        }
      sqlite3_bind_int64 (stmt, 1, 1767225600);
      sqlite3_bind_int64 (stmt, 2, 1767225600);
      bind_id_or_null (stmt, 3, task->project);
      bind_id_or_null (stmt, 4, ids[task->parent]);
      sqlite3_bind_text (stmt, 5, task->title, -1, SQLITE_STATIC);
      bind_text_or_null (stmt, 6, task->notes);
      sqlite3_bind_text (stmt, 7, task->status, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 8, task->priority);
      sqlite3_bind_null (stmt, 9);
      bind_text_or_null (stmt, 10, task->due);
      bind_id_or_null (stmt, 11, task->completed_at);
      sqlite3_bind_double (stmt, 12, i + 1);
      sqlite3_bind_null (stmt, 13);
      sqlite3_bind_int (stmt, 14, 0);
      sqlite3_bind_int (stmt, 15, 0);
      ok = step_done (db, stmt, error);
      ids[i + 1] = sqlite3_last_insert_rowid (db);
      if (ok && !triggers)
        ok = index_row (db, &cache[3], ids[i + 1] * 4 + 0, task->title, task->notes, error);

      for (guint t = 0; ok && task->tags[t] != NULL; t++)
        {
          stmt = prepare (db, &cache[1], "INSERT OR IGNORE INTO tags (name) VALUES (?)", error);
          ok = stmt != NULL;
          if (ok)
            {
              sqlite3_bind_text (stmt, 1, task->tags[t], -1, SQLITE_STATIC);
              ok = step_done (db, stmt, error);
            }
          if (ok)
            stmt = prepare (db, &cache[2],
                            "INSERT OR IGNORE INTO task_tags (task_id, tag_id) "
                            "SELECT ?, id FROM tags WHERE name = ? COLLATE NOCASE",
                            error);
          ok = ok && stmt != NULL;
          if (ok)
            {
              sqlite3_bind_int64 (stmt, 1, ids[i + 1]);
              sqlite3_bind_text (stmt, 2, task->tags[t], -1, SQLITE_STATIC);
              ok = step_done (db, stmt, error);
            }
        }
    }
  bench_finalize_cache (cache, G_N_ELEMENTS (cache));

  if (ok)
    ok = bench_exec (db, "COMMIT", error);
  else
    sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  *ms = bench_now_ms () - start;

  return ok;
}

gboolean
bench_insert_notes (sqlite3   *db,
                    BenchData *data,
                    double    *ms,
                    GError   **error)
{
  sqlite3_stmt *stmt = NULL;
  sqlite3_stmt *index = NULL;
  gboolean      triggers = has_trigger (db, "notes_search_insert");
  double        start = bench_now_ms ();
  gboolean      ok;

  ok = bench_exec (db, "BEGIN IMMEDIATE", error);
  if (ok)
    ok = prepare (db, &stmt,
                  "INSERT INTO notes (created_at, updated_at, project_id, title, body, pinned) "
                  "VALUES (?, ?, ?, ?, ?, ?)",
                  error) != NULL;

  for (guint i = 0; ok && i < data->n_notes; i++)
    {
      const BenchNote *note = &data->notes[i];

      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, 1767225600);
      sqlite3_bind_int64 (stmt, 2, 1767225600);
      bind_id_or_null (stmt, 3, note->project);
      sqlite3_bind_text (stmt, 4, note->title, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, note->body, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 6, note->pinned);
      ok = step_done (db, stmt, error);
      if (ok && !triggers)
        ok = index_row (db, &index, sqlite3_last_insert_rowid (db) * 4 + 1, note->title,
                        note->body, error);
    }
  sqlite3_finalize (stmt);
  sqlite3_finalize (index);

  if (ok)
    ok = bench_exec (db, "COMMIT", error);
  else
    sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  *ms = bench_now_ms () - start;

  return ok;
}

/* The first page of the task list as AdiuvaTaskListModel shows it with no filter: the ids of
 * the list's first part in the default order, then the rows of the first 50 by id, with
 * every column and the tags. @cache holds 2. */
gboolean
bench_first_page (sqlite3       *db,
                  sqlite3_stmt **cache,
                  guint32       *checksum,
                  GError       **error)
{
  g_autoptr (GString) sql = g_string_new (NULL);
  const char   *titles[BENCH_FIRST_PAGE] = { NULL };
  gint64        ids[BENCH_FIRST_PAGE];
  sqlite3_stmt *stmt;
  guint32       sum = 2166136261u;
  guint         n_ids = 0;
  guint         n_rows = 0;
  gsize         bytes = 0;
  int           rc;

  stmt = prepare (db, &cache[0],
                  "SELECT tasks.id FROM tasks ORDER BY tasks.position, tasks.id LIMIT 200 OFFSET 0",
                  error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    if (n_ids < BENCH_FIRST_PAGE)
      ids[n_ids++] = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (db, "first ids", error);
      return FALSE;
    }

  g_string_append (sql, "SELECT id, created_at, updated_at, tasks.project_id, tasks.parent_id, "
                        "tasks.title, tasks.notes, tasks.status, tasks.priority, tasks.start, "
                        "tasks.due, tasks.completed_at, tasks.position, tasks.recurrence, "
                        "tasks.is_ai_suggested, tasks.is_approved, "
                        "(SELECT group_concat (tags.name, char (31)) FROM task_tags "
                        "JOIN tags ON tags.id = task_tags.tag_id WHERE task_tags.task_id = tasks.id) "
                        "FROM tasks WHERE tasks.id IN (?");
  for (guint i = 1; i < BENCH_FIRST_PAGE; i++)
    g_string_append (sql, ", ?");
  g_string_append_c (sql, ')');
  stmt = prepare (db, &cache[1], sql->str, error);
  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; i < n_ids; i++)
    sqlite3_bind_int64 (stmt, i + 1, ids[i]);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      /* Read every column, as the record layer does. */
      for (int c = 0; c < sqlite3_column_count (stmt); c++)
        {
          const unsigned char *text = sqlite3_column_text (stmt, c);

          if (text != NULL)
            bytes += strlen ((const char *) text);
        }
      /* The rows come in the order of their ids; the page is in the list's. */
      for (guint i = 0; i < n_ids; i++)
        if (ids[i] == id)
          titles[i] = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
      n_rows++;
    }
  sqlite3_reset (stmt);

  for (guint i = 0; i < n_ids; i++)
    {
      sum = checksum_bytes (sum, titles[i]);
      g_free ((char *) titles[i]);
    }

  if (rc != SQLITE_DONE || n_rows != n_ids || bytes == 0)
    {
      set_sqlite_error (db, "first page", error);
      return FALSE;
    }

  *checksum = sum;
  return TRUE;
}

/* How many tasks the list has, to check that every run read the same workspace */
gboolean
bench_count_tasks (sqlite3 *db,
                   guint   *n_items,
                   GError **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean      ok;

  if (sqlite3_prepare_v2 (db, "SELECT count (*) FROM tasks", -1, &stmt, NULL) != SQLITE_OK)
    {
      set_sqlite_error (db, "prepare", error);
      return FALSE;
    }
  ok = sqlite3_step (stmt) == SQLITE_ROW;
  if (ok)
    *n_items = sqlite3_column_int (stmt, 0);
  else
    set_sqlite_error (db, "count", error);
  sqlite3_finalize (stmt);

  return ok;
}

/* Every word must appear, the last one may be a prefix: what a search box does as you type. */
char *
bench_match_expression (const char *query)
{
  g_auto (GStrv) parts = g_strsplit_set (query, " \t", -1);
  GString *expression = g_string_new (NULL);
  guint    n = g_strv_length (parts);

  for (guint i = 0; i < n; i++)
    {
      if (*parts[i] == '\0')
        continue;
      g_string_append_printf (expression, "%s\"%s%s\"", expression->len > 0 ? " " : "",
                              parts[i], i + 1 == n ? "*" : "");
    }

  return g_string_free (expression, FALSE);
}

/* Best matches first with a snippet each, as the search page shows them. @cache holds 1. */
gboolean
bench_search (sqlite3       *db,
              sqlite3_stmt **cache,
              const char    *query,
              guint         *n_results,
              GError       **error)
{
  g_autofree char *match = bench_match_expression (query);
  sqlite3_stmt    *stmt;
  guint            n = 0;
  gsize            bytes = 0;
  int              rc;

  /* The same shape as adiuva_store_search(): ranked in a subquery, read whole for the best. */
  stmt = prepare (db, &cache[0],
                  "SELECT search_index.docid, title, "
                  "snippet (search_index, '\x02', '\x03', '…', -1, 12), best.score "
                  "FROM search_index JOIN ("
                  "  SELECT docid AS best_docid, "
                  "    bench_rank (matchinfo (search_index, 'pcnalx')) AS score "
                  "  FROM search_index WHERE search_index MATCH ?1 "
                  "  ORDER BY score DESC LIMIT ?2) AS best "
                  "ON search_index.docid = best.best_docid "
                  "WHERE search_index MATCH ?1 ORDER BY best.score DESC",
                  error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, match, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 2, BENCH_SEARCH_LIMIT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      /* Copied out, as the store does into its results */
      g_autofree char *title = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      g_autofree char *snippet = g_strdup ((const char *) sqlite3_column_text (stmt, 2));

      bytes += (title != NULL ? strlen (title) : 0) + (snippet != NULL ? strlen (snippet) : 0);
      n++;
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE || (n > 0 && bytes == 0))
    {
      set_sqlite_error (db, query, error);
      return FALSE;
    }

  *n_results = n;
  return TRUE;
}

static void
record_engine (sqlite3      *db,
               BenchResults *results)
{
  g_autofree char *cipher = bench_query_text (db, "PRAGMA cipher_version");
  g_autofree char *journal = bench_query_text (db, "PRAGMA journal_mode");

  bench_results_set (results, "sqlite_version", "%s", sqlite3_libversion ());
  bench_results_set (results, "cipher_version", "%s", cipher != NULL ? cipher : "none");
  bench_results_set (results, "page_size", "%" G_GINT64_FORMAT,
                     bench_query_int (db, "PRAGMA page_size"));
  bench_results_set (results, "cache_size", "%" G_GINT64_FORMAT,
                     bench_query_int (db, "PRAGMA cache_size"));
  bench_results_set (results, "journal_mode", "%s", journal != NULL ? journal : "?");
  bench_results_set (results, "synchronous", "%" G_GINT64_FORMAT,
                     bench_query_int (db, "PRAGMA synchronous"));
}

static void
set_ms (BenchResults *results,
        const char   *key,
        double        ms)
{
  bench_results_set (results, key, "%.4f", ms);
}

gboolean
bench_run_sql (BenchOpener      *opener,
               BenchData        *data,
               const BenchScale *scale,
               BenchResults     *results,
               GError          **error)
{
  g_autoptr (GArray) samples = g_array_new (FALSE, FALSE, sizeof (double));
  sqlite3_stmt *cache[2] = {
    NULL,
  };
  sqlite3 *db;
  guint    n_items = 0, hits = 0;
  guint32  checksum = 0;
  double   ms;
  gboolean ok;

  bench_results_set (results, "data_checksum", "%s", data->checksum);

  /* Insert the tasks */
  db = opener->open (opener, "tasks", TRUE, error);
  if (db == NULL)
    return FALSE;
  record_engine (db, results);
  ok = bench_insert_projects (db, data, error) && bench_insert_tasks (db, data, &ms, error);
  if (ok)
    {
      set_ms (results, "insert_tasks_ms", ms);
      bench_results_set (results, "tasks_db_pages", "%" G_GINT64_FORMAT,
                         bench_query_int (db, "PRAGMA page_count"));
    }
  opener->close (opener, db);
  if (!ok)
    return FALSE;

  /* Open and unlock the database with the tasks */
  for (guint i = 0; i < scale->n_opens; i++)
    {
      double start = bench_now_ms ();

      db = opener->open (opener, "tasks", FALSE, error);
      ms = bench_now_ms () - start;
      if (db == NULL)
        return FALSE;
      opener->close (opener, db);
      g_array_append_val (samples, ms);
    }
  set_ms (results, "open_ms", bench_percentile (samples, 50));
  set_ms (results, "open_max_ms", bench_percentile (samples, 100));

  /* The first page on a fresh connection: nothing in SQLite's page cache, nothing prepared */
  g_array_set_size (samples, 0);
  for (guint i = 0; i < scale->n_pages; i++)
    {
      double start;

      db = opener->open (opener, "tasks", FALSE, error);
      if (db == NULL)
        return FALSE;
      start = bench_now_ms ();
      ok = bench_first_page (db, cache, &checksum, error);
      ms = bench_now_ms () - start;
      bench_finalize_cache (cache, 2);
      if (ok)
        ok = bench_count_tasks (db, &n_items, error);
      opener->close (opener, db);
      if (!ok)
        return FALSE;
      g_array_append_val (samples, ms);
    }
  set_ms (results, "first_page_cold_ms", bench_percentile (samples, 50));
  bench_results_set (results, "first_page_n_items", "%u", n_items);
  bench_results_set (results, "first_page_checksum", "%08x", checksum);

  /* …and again on a connection that has shown it before */
  g_array_set_size (samples, 0);
  db = opener->open (opener, "tasks", FALSE, error);
  if (db == NULL)
    return FALSE;
  ok = bench_first_page (db, cache, &checksum, error);
  for (guint i = 0; ok && i < scale->n_pages; i++)
    {
      double start = bench_now_ms ();

      ok = bench_first_page (db, cache, &checksum, error);
      ms = bench_now_ms () - start;
      g_array_append_val (samples, ms);
    }
  bench_finalize_cache (cache, 2);
  opener->close (opener, db);
  if (!ok)
    return FALSE;
  set_ms (results, "first_page_warm_ms", bench_percentile (samples, 50));

  /* Notes */
  db = opener->open (opener, "notes", TRUE, error);
  if (db == NULL)
    return FALSE;
  ok = bench_insert_projects (db, data, error) && bench_insert_notes (db, data, &ms, error);
  if (ok)
    {
      set_ms (results, "insert_notes_ms", ms);
      bench_results_set (results, "notes_db_pages", "%" G_GINT64_FORMAT,
                         bench_query_int (db, "PRAGMA page_count"));
    }
  opener->close (opener, db);
  if (!ok)
    return FALSE;

  /* Search on a fresh connection: one pass to warm it, then the measured passes */
  db = opener->open (opener, "notes", FALSE, error);
  if (db == NULL)
    return FALSE;
  bench_register_functions (db);
  g_array_set_size (samples, 0);
  for (guint pass = 0; ok && pass <= scale->n_passes; pass++)
    for (guint i = 0; ok && i < data->queries->len; i++)
      {
        double start = bench_now_ms ();
        guint  n = 0;

        ok = bench_search (db, cache, g_ptr_array_index (data->queries, i), &n, error);
        ms = bench_now_ms () - start;
        if (pass == 0)
          hits += n;
        else
          g_array_append_val (samples, ms);
      }
  bench_finalize_cache (cache, 1);
  opener->close (opener, db);
  if (!ok)
    return FALSE;

  set_ms (results, "fts_p50_ms", bench_percentile (samples, 50));
  set_ms (results, "fts_p95_ms", bench_percentile (samples, 95));
  set_ms (results, "fts_p99_ms", bench_percentile (samples, 99));
  set_ms (results, "fts_max_ms", bench_percentile (samples, 100));
  bench_results_set (results, "fts_hits", "%u", hits);
  bench_results_set (results, "fts_samples", "%u", samples->len);

  return TRUE;
}
