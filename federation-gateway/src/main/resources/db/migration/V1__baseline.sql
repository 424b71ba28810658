-- The gateway's schema starts empty; certificates and audit records arrive with consensus.
SELECT 1;
