// graphile-worker's tables live in a schema of their own, apart from any other graphile-worker
// install in the database. pancake-sync reads them through graphile-worker's public `jobs` view
// and calls its documented SQL functions (add_jobs, force_unlock_workers, permanently_fail_jobs);
// the one exception, a lock renewal on its private tables, is refresh-job-locks.ts.

export const QUEUE_SCHEMA = 'pancake_queue';
