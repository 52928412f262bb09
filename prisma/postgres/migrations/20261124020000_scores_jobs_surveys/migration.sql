-- AlterTable
ALTER TABLE "Store" ADD COLUMN     "baseUrl" TEXT,
ADD COLUMN     "credentials" TEXT,
ADD COLUMN     "embedSecret" TEXT,
ADD COLUMN     "webhookSecret" TEXT;

-- CreateTable
CREATE TABLE "StoreSettings" (
    "storeId" TEXT NOT NULL,
    "tagPrefix" TEXT NOT NULL DEFAULT 'ciclo:',
    "tagFamilies" TEXT NOT NULL DEFAULT 'rfm,stage,clv',
    "pushMetafields" BOOLEAN NOT NULL DEFAULT false,
    "scheduleHour" INTEGER NOT NULL DEFAULT 3,
    "thresholds" TEXT,
    "surveyCooldownDays" INTEGER NOT NULL DEFAULT 60,
    "surveyQuestionSets" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "StoreSettings_pkey" PRIMARY KEY ("storeId")
);

-- CreateTable
CREATE TABLE "CustomerScore" (
    "id" TEXT NOT NULL,
    "storeId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL,
    "orders" INTEGER NOT NULL,
    "purchaseDays" INTEGER NOT NULL,
    "firstOrderAt" TIMESTAMP(3),
    "lastOrderAt" TIMESTAMP(3),
    "recencyDays" INTEGER,
    "monetaryMinor" BIGINT NOT NULL,
    "rScore" INTEGER NOT NULL,
    "fScore" INTEGER NOT NULL,
    "mScore" INTEGER NOT NULL,
    "segment" TEXT NOT NULL,
    "stage" TEXT NOT NULL,
    "historicClvMinor" BIGINT NOT NULL,
    "predictedClvMinor" BIGINT,
    "pAlive" DOUBLE PRECISION,
    "expected30" DOUBLE PRECISION,
    "expected90" DOUBLE PRECISION,
    "expected365" DOUBLE PRECISION,
    "expectedAovMinor" BIGINT,
    "nextOrderAt" TIMESTAMP(3),
    "clvPercentile" DOUBLE PRECISION,

    CONSTRAINT "CustomerScore_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SegmentSnapshot" (
    "id" TEXT NOT NULL,
    "storeId" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "segment" TEXT NOT NULL,
    "customers" INTEGER NOT NULL,
    "revenueMinor" BIGINT NOT NULL,
    "avgClvMinor" BIGINT NOT NULL,

    CONSTRAINT "SegmentSnapshot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SegmentTransition" (
    "id" TEXT NOT NULL,
    "storeId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "fromSegment" TEXT,
    "toSegment" TEXT NOT NULL,
    "fromStage" TEXT,
    "toStage" TEXT NOT NULL,

    CONSTRAINT "SegmentTransition_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RecomputeRun" (
    "id" TEXT NOT NULL,
    "storeId" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'running',
    "phases" TEXT NOT NULL DEFAULT '[]',
    "counts" TEXT NOT NULL DEFAULT '{}',
    "clvStatus" TEXT,
    "model" TEXT,
    "error" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "RecomputeRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CustomerLabels" (
    "id" TEXT NOT NULL,
    "storeId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "tags" TEXT NOT NULL,
    "metafields" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CustomerLabels_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TagOutboxItem" (
    "id" TEXT NOT NULL,
    "storeId" TEXT NOT NULL,
    "runId" TEXT,
    "customerId" TEXT NOT NULL,
    "customerExternalId" TEXT NOT NULL,
    "add" TEXT NOT NULL,
    "remove" TEXT NOT NULL,
    "metafields" TEXT,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "appliedAt" TIMESTAMP(3),

    CONSTRAINT "TagOutboxItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Job" (
    "id" TEXT NOT NULL,
    "queue" TEXT NOT NULL,
    "storeId" TEXT,
    "key" TEXT,
    "payload" TEXT NOT NULL DEFAULT '{}',
    "runAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "state" TEXT NOT NULL DEFAULT 'queued',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lockedBy" TEXT,
    "lockedAt" TIMESTAMP(3),
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "doneAt" TIMESTAMP(3),

    CONSTRAINT "Job_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SurveyResponse" (
    "id" TEXT NOT NULL,
    "storeId" TEXT NOT NULL,
    "orderExternalId" TEXT NOT NULL,
    "customerId" TEXT,
    "customerExternalId" TEXT,
    "target" TEXT NOT NULL,
    "questionSet" TEXT NOT NULL,
    "questionId" TEXT NOT NULL,
    "answerId" TEXT,
    "score" INTEGER,
    "text" TEXT,
    "locale" TEXT,
    "segmentAtAnswer" TEXT,
    "stageAtAnswer" TEXT,
    "clvAtAnswerMinor" BIGINT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SurveyResponse_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SurveyImpression" (
    "id" TEXT NOT NULL,
    "storeId" TEXT NOT NULL,
    "orderExternalId" TEXT NOT NULL,
    "customerId" TEXT,
    "target" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SurveyImpression_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CustomerScore_storeId_segment_idx" ON "CustomerScore"("storeId", "segment");

-- CreateIndex
CREATE INDEX "CustomerScore_storeId_stage_idx" ON "CustomerScore"("storeId", "stage");

-- CreateIndex
CREATE INDEX "CustomerScore_storeId_predictedClvMinor_idx" ON "CustomerScore"("storeId", "predictedClvMinor");

-- CreateIndex
CREATE UNIQUE INDEX "CustomerScore_storeId_customerId_key" ON "CustomerScore"("storeId", "customerId");

-- CreateIndex
CREATE UNIQUE INDEX "SegmentSnapshot_storeId_day_segment_key" ON "SegmentSnapshot"("storeId", "day", "segment");

-- CreateIndex
CREATE INDEX "SegmentTransition_storeId_day_idx" ON "SegmentTransition"("storeId", "day");

-- CreateIndex
CREATE INDEX "SegmentTransition_storeId_customerId_idx" ON "SegmentTransition"("storeId", "customerId");

-- CreateIndex
CREATE INDEX "RecomputeRun_storeId_startedAt_idx" ON "RecomputeRun"("storeId", "startedAt");

-- CreateIndex
CREATE UNIQUE INDEX "CustomerLabels_storeId_customerId_key" ON "CustomerLabels"("storeId", "customerId");

-- CreateIndex
CREATE INDEX "TagOutboxItem_storeId_state_idx" ON "TagOutboxItem"("storeId", "state");

-- CreateIndex
CREATE INDEX "Job_queue_state_runAt_idx" ON "Job"("queue", "state", "runAt");

-- CreateIndex
CREATE INDEX "Job_key_state_idx" ON "Job"("key", "state");

-- CreateIndex
CREATE INDEX "SurveyResponse_storeId_createdAt_idx" ON "SurveyResponse"("storeId", "createdAt");

-- CreateIndex
CREATE INDEX "SurveyResponse_storeId_customerId_idx" ON "SurveyResponse"("storeId", "customerId");

-- CreateIndex
CREATE UNIQUE INDEX "SurveyResponse_storeId_orderExternalId_questionId_key" ON "SurveyResponse"("storeId", "orderExternalId", "questionId");

-- CreateIndex
CREATE INDEX "SurveyImpression_storeId_customerId_createdAt_idx" ON "SurveyImpression"("storeId", "customerId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "SurveyImpression_storeId_orderExternalId_target_key" ON "SurveyImpression"("storeId", "orderExternalId", "target");

-- AddForeignKey
ALTER TABLE "StoreSettings" ADD CONSTRAINT "StoreSettings_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CustomerScore" ADD CONSTRAINT "CustomerScore_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SegmentSnapshot" ADD CONSTRAINT "SegmentSnapshot_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SegmentTransition" ADD CONSTRAINT "SegmentTransition_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RecomputeRun" ADD CONSTRAINT "RecomputeRun_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CustomerLabels" ADD CONSTRAINT "CustomerLabels_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TagOutboxItem" ADD CONSTRAINT "TagOutboxItem_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SurveyResponse" ADD CONSTRAINT "SurveyResponse_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SurveyImpression" ADD CONSTRAINT "SurveyImpression_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE CASCADE ON UPDATE CASCADE;

