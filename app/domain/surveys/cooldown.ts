/**
 * Per-customer cooldown: after answering a survey on a target, a customer is not asked on that target again
 * for a while. Targets cool down separately: answering "why did you buy" right after paying must not stop the
 * NPS question once the same order arrives. Answers to the order being asked about don't count (that is a
 * customer finishing the survey they started, handled by "already answered").
 */
import type { SurveyTarget } from "./catalogue";

export interface SurveyCooldownDays {
  "thank-you": number;
  "order-status": number;
}

export const DEFAULT_COOLDOWN_DAYS: SurveyCooldownDays = { "thank-you": 60, "order-status": 60 };

const DAY_MS = 86_400_000;

/** One earlier answer of this customer (any question). */
export interface PreviousSurveyAnswer {
  target: SurveyTarget;
  orderId: string;
  questionId: string;
  answeredAt: Date;
}

export type CooldownCheck = { coolingDown: false } | { coolingDown: true; until: Date };

export function checkCooldown(
  target: SurveyTarget,
  orderId: string,
  previousAnswers: readonly PreviousSurveyAnswer[],
  now: Date,
  cooldownDays: SurveyCooldownDays = DEFAULT_COOLDOWN_DAYS,
): CooldownCheck {
  let latest = -Infinity;
  for (const answer of previousAnswers) {
    if (answer.target === target && answer.orderId !== orderId) latest = Math.max(latest, answer.answeredAt.getTime());
  }
  const until = latest + cooldownDays[target] * DAY_MS;
  return until > now.getTime() ? { coolingDown: true, until: new Date(until) } : { coolingDown: false };
}
