// The trivial handler under @google-cloud/functions-framework (the peer baseline).
exports.handler = (req, res) => {
  res.json({ ok: true });
};
