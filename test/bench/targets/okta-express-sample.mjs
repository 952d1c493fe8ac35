// Target (b): the shape of Okta's Express sample resource server (samples-nodejs-express,
// resource-server/server.js): express + cors + @okta/jwt-verifier, two hard-coded messages.
import OktaJwtVerifier from '@okta/jwt-verifier';
import cors from 'cors';
import express from 'express';

const issuer = process.env.OKTA_ISSUER;
const audience = process.env.OKTA_AUDIENCE ?? 'api://default';
const clientId = process.env.OKTA_CLIENT_ID;

const oktaJwtVerifier = new OktaJwtVerifier({
  issuer,
  clientId,
  assertClaims: { cid: clientId },
  // The local issuer is plain http on loopback; the sample's own test config does the same.
  testing: { disableHttpsCheck: true },
});

function authenticationRequired(req, res, next) {
  const authHeader = req.headers.authorization || '';
  const match = authHeader.match(/Bearer (.+)/);
  if (!match) {
    res.status(401);
    return next('Unauthorized');
  }
  return oktaJwtVerifier
    .verifyAccessToken(match[1], audience)
    .then((jwt) => {
      req.jwt = jwt;
      next();
    })
    .catch((err) => {
      res.status(401).send(err.message);
    });
}

const app = express();
app.use(cors());
app.get('/api/messages', authenticationRequired, (req, res) => {
  res.json({
    messages: [
      { date: new Date(), text: 'I am a robot.' },
      { date: new Date(Date.now() - 1000 * 60 * 60), text: 'Hello, world!' },
    ],
  });
});

const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
