-- evaluations: indexes and tables its owner adds (nothing yet).
SELECT 1;
