/** Unit 07, deadlock and starvation: labs that make both happen on purpose, detect them and fix them. */
export {};
