-- exports: (filled in by its owner)
SELECT 1;
