-- Search by login and name (the dashboard's seat list and assign page):
-- a trigram index of every user's login_key and name, so that a search
-- of three characters or more reads the users whose login or name
-- contains it instead of every user. FTS5's trigram tokenizer folds case;
-- the table keeps no copy of the text (content='users') and the triggers
-- keep it in step with every write to users.
CREATE VIRTUAL TABLE users_search USING fts5(login_key, name, content='users', content_rowid='id', tokenize='trigram');
CREATE TRIGGER users_search_insert AFTER INSERT ON users BEGIN
    INSERT INTO users_search (rowid, login_key, name) VALUES (new.id, new.login_key, new.name);
END;
CREATE TRIGGER users_search_delete AFTER DELETE ON users BEGIN
    INSERT INTO users_search (users_search, rowid, login_key, name) VALUES ('delete', old.id, old.login_key, old.name);
END;
CREATE TRIGGER users_search_update AFTER UPDATE OF login_key, name ON users BEGIN
    INSERT INTO users_search (users_search, rowid, login_key, name) VALUES ('delete', old.id, old.login_key, old.name);
    INSERT INTO users_search (rowid, login_key, name) VALUES (new.id, new.login_key, new.name);
END;
INSERT INTO users_search (users_search) VALUES ('rebuild');
