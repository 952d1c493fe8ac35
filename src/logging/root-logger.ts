/** Injection token of the application's one pino logger (see LoggingModule). */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');
