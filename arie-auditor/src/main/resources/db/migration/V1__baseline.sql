-- ARIE's schema starts empty; scans and findings arrive with the audit scanner.
SELECT 1;
