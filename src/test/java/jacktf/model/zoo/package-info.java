/**
 * Independent proofs for slim's model zoo (issue 28 item 3): each network's variable list written
 * from slim's sources ({@code SlimSpecs}), checked against published parameter counts and against
 * jacktf's builders, and a plain-Java reference forward pass ({@code SlimForward} over {@code RefOps})
 * that every endpoint of jacktf's network must equal within a stated tolerance. Nothing here calls
 * jacktf's builders to make an expected value.
 */
package jacktf.model.zoo;
