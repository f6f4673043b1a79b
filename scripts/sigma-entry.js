// Entry of the sigma.js + graphology bundle that kg/export/html.py inlines into the network page
// (`npm run bundle`, run by `make install`): one IIFE that sets window.graphology and window.Sigma.
import Graph from "graphology";
import Sigma from "sigma";

window.graphology = { Graph: Graph };
window.Sigma = Sigma;
