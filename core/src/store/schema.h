/* The ordered migration steps of the database schema. */
#ifndef MOTCUA_SCHEMA_H
#define MOTCUA_SCHEMA_H

/* Step n (1-based) as SQL text, or NULL when there is no such step. */
const char *schema_step(int n);
int schema_step_count(void);

#endif
