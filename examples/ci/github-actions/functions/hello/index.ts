interface FunctionEvent {
  body: string | null;
}

export default async (event: FunctionEvent) => {
  const { name = 'world' } = JSON.parse(event.body ?? '{}') as { name?: string };
  console.log(`greeting ${name}`);
  return { message: `${process.env.GREETING ?? 'Hello'}, ${name}!` };
};
