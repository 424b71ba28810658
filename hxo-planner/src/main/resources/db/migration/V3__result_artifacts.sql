-- The artifacts (content digests in the artifact store) a result refers to: a cached result is
-- served only while every one of them still exists.
ALTER TABLE results ADD COLUMN artifacts text[] NOT NULL DEFAULT '{}';
