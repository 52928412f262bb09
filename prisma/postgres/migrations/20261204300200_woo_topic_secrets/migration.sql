-- AlterTable
ALTER TABLE "Store" ADD COLUMN "webhookTopicSecrets" BOOLEAN NOT NULL DEFAULT false;
