/** Unit 06, daemons: periodic, sporadic and long-running background work, and a shutdown coordinator. */
export {};
