-- AlterTable
ALTER TABLE "Sandbox" ADD COLUMN "reservedFor" TEXT;
ALTER TABLE "Sandbox" ADD COLUMN "reservedUntil" DATETIME;

-- CreateTable
CREATE TABLE "ClassSession" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "cohortId" TEXT NOT NULL,
    "startsAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ClassSession_cohortId_fkey" FOREIGN KEY ("cohortId") REFERENCES "Cohort" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "Sandbox_reservedFor_status_idx" ON "Sandbox"("reservedFor", "status");

-- CreateIndex
CREATE INDEX "ClassSession_startsAt_idx" ON "ClassSession"("startsAt");

-- CreateIndex
CREATE UNIQUE INDEX "ClassSession_cohortId_startsAt_key" ON "ClassSession"("cohortId", "startsAt");
