/** Answer limits shared by the server's validation and the extension's inputs (kept import-free for the bundle). */

/** Free text longer than this is rejected (after stripping markup and control characters). */
export const MAX_FREE_TEXT_LENGTH = 500;
/** NPS is the 0..10 "how likely are you to recommend us" scale. */
export const NPS_MIN_SCORE = 0;
export const NPS_MAX_SCORE = 10;
