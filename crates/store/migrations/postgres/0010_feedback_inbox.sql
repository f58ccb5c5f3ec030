-- Confidential feedback waiting to be filed (issue 17). A submission is not
-- recorded, nor audited, when it arrives: it waits here, and the scheduler
-- files every entry of an earlier day into `feedback` in random order, each
-- audited at the start of the day it was received. So nothing tells when in
-- the day it came, nor between whose actions: no author, no time finer than
-- the day, and no order (a random id).
CREATE TABLE feedback_inbox (
    org_id UUID NOT NULL REFERENCES organisations (org_id),
    feedback_id UUID NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('suggestion', 'concern')),
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    received_on DATE NOT NULL,
    PRIMARY KEY (org_id, feedback_id)
);
