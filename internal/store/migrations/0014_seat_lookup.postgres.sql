-- SQLite's 0014 adds two covering indexes for the seat lookup by login
-- (store.UserSeatByLogin). PostgreSQL's lookup reads the unique index on
-- users.login_key and the seat's primary key, and covering copies of seat
-- rows would need the visibility map to spare the heap; it gets none.
SELECT 1;
