/** Step 3: the object as the API serves it. */
export interface Reminder {
  id: string;
  object: 'reminder';
  created: number;
  customer: string | null;
  livemode: false;
  metadata: Record<string, string>;
  remind_at: number;
  status: 'scheduled' | 'sent' | 'canceled';
  text: string;
}
