export type {
  CsToken,
  NamedValueRef,
  PolicyAttribute,
  PolicyComment,
  PolicyDocument,
  PolicyElement,
  PolicyExpression,
  PolicyProblem,
  PolicySection,
  PolicyText,
} from './types';
export { parsePolicy } from './parse';
export { ancestors, childElements, elementAt, elementsNamed, getAttribute, inBranch, mayMention, onlyReported, sectionOf } from './query';
export { TokenCursor, certificateKeys, dictionaryKeys, findMemberChains, indexOfSequence, memberChains, readsDeploymentCertificates, type CertificateKey, type DictionaryKey, type MemberChain } from './tokens';
export { decodeEntities } from './entities';
