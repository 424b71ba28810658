-- A scan may cover a deployment's packed files, named by its manifest root.
ALTER TABLE scans ADD COLUMN deployment TEXT;
