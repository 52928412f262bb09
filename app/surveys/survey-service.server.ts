/**
 * The survey's server side behind both front doors (the checkout extension's endpoints and the hosted page):
 * which questions to ask for an order, and storing one answer. Requests arrive already authenticated and tied
 * to a store; this decides and stores, using the pure rules in app/domain/surveys.
 */
import type { Db } from "../db.server";
import type { SurveyAnswerError, SurveyQuestionsResponse } from "../domain/surveys/api";
import { validateSurveyAnswer, type ValidatedSurveyAnswer } from "../domain/surveys/answer-validation";
import { storedColumns } from "../domain/surveys/question-kinds";
import { DEFAULT_CATALOGUE, type SurveyCatalogue, type SurveyTarget } from "../domain/surveys/catalogue";
import { decideSurveyEligibility } from "../domain/surveys/eligibility";
import { chooseQuestionSet, type QuestionSet } from "../domain/surveys/question-sets";
import { callerMayAnswer } from "./order-binding";
import type { SurveyOrderContext } from "./survey-customer-context.server";
import type { SurveyRepository } from "./survey-repository.server";
import type { SurveyStore } from "./survey-stores.server";

export type SubmitAnswerResult =
  | { ok: true; duplicate: boolean; answer: ValidatedSurveyAnswer }
  | { ok: false; errors: SurveyAnswerError[] }
  | { ok: false; forbidden: true };

/** The order named in the request is not the caller's (see order-binding.ts). */
export const FOREIGN_ORDER = "forbidden";

export interface SubmitAnswerOptions {
  /** The session token's logged-in customer (numeric id), if any. */
  customerExternalIdFromToken?: string | null;
  /**
   * The order id came from the caller (the extension), not from a signed link: refuse orders that are not the
   * token's (callerMayAnswer).
   */
  bindToCaller?: boolean;
  locale?: string | null;
  /** Answers only to these questions (the hosted page: the ones it showed). Default: any question of the store's sets. */
  allowedQuestionIds?: ReadonlySet<string>;
}

export interface SurveyServiceOptions {
  db: Db;
  /** The hot-path statements (see createSurveyRepository). */
  repository: SurveyRepository;
  catalogue?: SurveyCatalogue;
  now?: () => Date;
}

export class SurveyService {
  private readonly db: Db;
  private readonly repository: SurveyRepository;
  private readonly catalogue: SurveyCatalogue;
  private readonly now: () => Date;
  private readonly askedQuestions = new WeakMap<readonly QuestionSet[], ReadonlySet<string>>();

  constructor(options: SurveyServiceOptions) {
    this.db = options.db;
    this.repository = options.repository;
    this.catalogue = options.catalogue ?? DEFAULT_CATALOGUE;
    this.now = options.now ?? (() => new Date());
  }

  /** The body of GET /api/survey/questions; records an impression when a survey will be shown. */
  async questionsFor(
    store: SurveyStore,
    target: SurveyTarget,
    orderId: string,
    customerExternalIdFromToken: string | null,
    options: { recordImpression?: boolean } = {},
  ): Promise<SurveyQuestionsResponse> {
    const context = await this.repository.orderContext(store.id, orderId, customerExternalIdFromToken);
    return this.decide(store, target, orderId, context, options);
  }

  /** questionsFor an order id the caller chose (the extension): FOREIGN_ORDER when it is not the token's. */
  async questionsForCaller(
    store: SurveyStore,
    target: SurveyTarget,
    orderId: string,
    customerExternalIdFromToken: string | null,
  ): Promise<SurveyQuestionsResponse | typeof FOREIGN_ORDER> {
    const context = await this.repository.orderContext(store.id, orderId, customerExternalIdFromToken);
    if (!this.mayAnswer(target, customerExternalIdFromToken, context)) return FOREIGN_ORDER;
    return this.decide(store, target, orderId, context, {});
  }

  private async decide(
    store: SurveyStore,
    target: SurveyTarget,
    orderId: string,
    context: SurveyOrderContext,
    options: { recordImpression?: boolean },
  ): Promise<SurveyQuestionsResponse> {
    const previous = await this.db.surveyResponse.findMany({
      where: {
        storeId: store.id,
        OR: [{ orderExternalId: orderId }, ...(context.customerId ? [{ customerId: context.customerId }] : [])],
      },
      select: { target: true, orderExternalId: true, questionId: true, createdAt: true },
    });
    const now = this.now();
    const decision = decideSurveyEligibility({
      target,
      orderId,
      order: context.order,
      customer: context.customer,
      previousAnswers: previous
        .filter((row) => row.target === "thank-you" || row.target === "order-status")
        .map((row) => ({
          target: row.target as SurveyTarget,
          orderId: row.orderExternalId,
          questionId: row.questionId,
          answeredAt: row.createdAt,
        })),
      questionSets: store.questionSets,
      catalogue: this.catalogue,
      now,
      cooldownDays: store.cooldownDays,
    });
    if (decision.eligible && options.recordImpression !== false) {
      await this.repository.recordImpression({
        storeId: store.id,
        orderExternalId: orderId,
        customerId: context.customerId,
        target,
        createdAt: now,
      });
    }
    return decision;
  }

  /** Validates and stores one answer (once per order + question). */
  async submitAnswer(
    store: SurveyStore,
    input: unknown,
    options: SubmitAnswerOptions = {},
  ): Promise<SubmitAnswerResult> {
    const validation = validateSurveyAnswer(input, this.catalogue, {
      allowedQuestionIds: options.allowedQuestionIds ?? this.questionsAsked(store.questionSets),
    });
    if (!validation.ok) return validation;
    const answer = validation.answer;
    const context = await this.repository.orderContext(
      store.id,
      answer.orderId,
      options.customerExternalIdFromToken ?? null,
    );
    if (options.bindToCaller && !this.mayAnswer(answer.target, options.customerExternalIdFromToken ?? null, context))
      return { ok: false, forbidden: true };
    const stored = await this.repository.insertResponse({
      storeId: store.id,
      orderExternalId: answer.orderId,
      customerId: context.customerId,
      customerExternalId: context.customerExternalId,
      target: answer.target,
      questionSet: this.questionSetOf(store.questionSets, answer, context),
      questionId: answer.questionId,
      ...storedColumns(answer),
      locale: options.locale ?? null,
      segmentAtAnswer: context.segmentSlug,
      stageAtAnswer: context.stageSlug,
      clvAtAnswerMinor: context.clvMinor,
      createdAt: this.now(),
    });
    return { ok: true, duplicate: !stored, answer };
  }

  private mayAnswer(target: SurveyTarget, caller: string | null, context: SurveyOrderContext): boolean {
    return callerMayAnswer({ target, tokenCustomerExternalId: caller, order: context.ownership, now: this.now() });
  }

  /** Every question any of the store's sets asks: answers to anything else were never asked for. */
  private questionsAsked(sets: readonly QuestionSet[]): ReadonlySet<string> {
    let ids = this.askedQuestions.get(sets);
    if (!ids) {
      ids = new Set(sets.flatMap((set) => set.questions.map((item) => item.questionId)));
      this.askedQuestions.set(sets, ids);
    }
    return ids;
  }

  /**
   * The set the customer is in now; if that set does not ask this question (the nightly recompute moved the
   * customer between showing and answering), the first set of the target that does, so the answer is kept.
   */
  private questionSetOf(
    sets: readonly QuestionSet[],
    answer: ValidatedSurveyAnswer,
    context: SurveyOrderContext,
  ): string {
    const asks = (set: QuestionSet) => set.questions.some((item) => item.questionId === answer.questionId);
    const chosen = chooseQuestionSet(sets, answer.target, context.customer);
    if (chosen && asks(chosen)) return chosen.id;
    return sets.find((set) => set.target === answer.target && asks(set))?.id ?? chosen?.id ?? "";
  }
}
