/** Free-text search over survey answers, ignoring case and accents ("perche" finds "Perché"). */
import { foldForSearch } from "./free-text";
import type { SurveyResponseRecord } from "./responses";

/** Answers whose text contains every word of the query, newest first. An empty query matches nothing. */
export function searchFreeTextAnswers(
  responses: readonly SurveyResponseRecord[],
  query: string,
  limit = 100,
): SurveyResponseRecord[] {
  const terms = foldForSearch(query).split(/\s+/).filter(Boolean);
  if (terms.length === 0) return [];
  return responses
    .filter((response) => {
      if (response.text === null) return false;
      const text = foldForSearch(response.text);
      return terms.every((term) => text.includes(term));
    })
    .sort((a, b) => b.answeredAt.getTime() - a.answeredAt.getTime())
    .slice(0, limit);
}
