/** Who is signed in, for every view: role decides which action buttons exist (viewers see none). */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Me, Role } from './types';

export const MeContext = createContext<Me>({ auth: 'open', role: 'viewer' });

export function useMe(): Me {
  return useContext(MeContext);
}

export function canRespond(role: Role): boolean {
  return role === 'responder' || role === 'admin';
}
