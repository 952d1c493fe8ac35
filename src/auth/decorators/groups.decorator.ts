import { Reflector } from '@nestjs/core';

/** Stands for the groups configured in `ADMIN_GROUPS`, resolved by `GroupsGuard`. */
export const ADMIN_GROUPS = Symbol('ADMIN_GROUPS');

export type GroupRequirement = string | typeof ADMIN_GROUPS;

/** Any one listed group suffices. */
export const Groups = Reflector.createDecorator<GroupRequirement[]>();
