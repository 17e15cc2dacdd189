/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-store-types.h"

G_BEGIN_DECLS

/* Marks around the matched words in a snippet; front ends render them (bold, brackets). */
#define ADIUVA_SEARCH_MATCH_START "\x02"
#define ADIUVA_SEARCH_MATCH_END "\x03"

/**
 * AdiuvaSearchResult:
 * @entity: a task, note, checkpoint or project
 * @id: the record's id
 * @title: its title or name
 * @snippet: a few words around the match, with the matches between
 *   %ADIUVA_SEARCH_MATCH_START and %ADIUVA_SEARCH_MATCH_END
 * @score: relevance, higher first (BM25 over title and body, the title weighing more)
 */
struct _AdiuvaSearchResult
{
  AdiuvaEntity entity;
  gint64       id;
  char        *title;
  char        *snippet;
  double       score;
};

#define ADIUVA_TYPE_SEARCH_RESULT (adiuva_search_result_get_type ())

GType               adiuva_search_result_get_type (void) G_GNUC_CONST;
AdiuvaSearchResult *adiuva_search_result_copy (const AdiuvaSearchResult *self);
void                adiuva_search_result_free (AdiuvaSearchResult *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AdiuvaSearchResult, adiuva_search_result_free)

G_END_DECLS
