/** The environment variable every process of a grading sandbox carries (its value: the sandbox's id). */
export const SANDBOX_MARKER = 'COURSE_GRADER_SANDBOX';
