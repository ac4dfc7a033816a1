/** A {@link Database} that counts its own failures, so every query path feeds the `database_errors_total` metric. */
import type { Database, Queryable } from './database.js';

/**
 * `database`, counting each failed query, transaction (commit) and ping with `onError`. An error thrown by a
 * transaction's own work (not by a query in it) is not the database's and is not counted.
 */
export function countDatabaseErrors(database: Database, onError: () => void): Database {
  const counted = (queryable: Queryable): Queryable['query'] =>
    async (sql, params) => {
      try {
        return await queryable.query(sql, params);
      } catch (error) {
        onError();
        throw error;
      }
    };
  return {
    kind: database.kind,
    query: counted(database),
    async transaction(work) {
      let workFailed = false;
      try {
        return await database.transaction(async (tx) => {
          try {
            return await work({ query: counted(tx) });
          } catch (error) {
            workFailed = true;
            throw error;
          }
        });
      } catch (error) {
        if (!workFailed) onError();
        throw error;
      }
    },
    async ping() {
      try {
        await database.ping();
      } catch (error) {
        onError();
        throw error;
      }
    },
    close: () => database.close(),
  };
}
